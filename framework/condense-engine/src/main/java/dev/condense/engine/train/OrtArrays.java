package dev.condense.engine.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxExporter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX Runtime over ND4J's own arrays, for the planned step's kernels ({@link OrtBatchNorm},
 * {@link OrtConv}): tensors that alias an array's elements (no copies) and single-threaded sessions
 * without graph optimization (every node runs as written, so the rounding is the graph's).
 */
final class OrtArrays {
    private OrtArrays() {
    }

    /** A tensor over {@code a}'s own elements ({@link #fits}: contiguous C-order float32, view or not). */
    static OnnxTensor wrap(OrtEnvironment env, INDArray a) throws OrtException {
        ByteBuffer all = a.data().asNio().order(ByteOrder.nativeOrder());
        ByteBuffer mine = all.position((int) (a.offset() * Float.BYTES)).limit((int) ((a.offset() + a.length())
                * Float.BYTES)).slice().order(ByteOrder.nativeOrder());
        return OnnxTensor.createTensor(env, mine.asFloatBuffer(), a.shape());
    }

    /** Whether every array is non-empty float32 with its elements one after the other in C order, in direct memory. */
    static boolean fits(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a == null || a.dataType() != DataType.FLOAT || a.length() == 0 || !contiguous(a)
                    || !a.data().asNio().isDirect()) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code a}'s elements lie one after the other in C order (dimensions of size 1 ignored). */
    private static boolean contiguous(INDArray a) {
        long expected = 1;
        for (int i = a.rank() - 1; i >= 0; i--) {
            if (a.size(i) != 1 && a.stride(i) != expected) {
                return false;
            }
            expected *= a.size(i);
        }
        return true;
    }

    /** A session of {@code graph}: one intra-op and one inter-op thread, sequential, no graph optimization. */
    static OrtSession session(OrtEnvironment env, ModelGraph graph) throws OrtException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            return env.createSession(new OnnxExporter().toBytes(graph), opts);
        }
    }

    /**
     * Closes and clears {@code tensors} and {@code sessions}; a session that fails to close is logged at debug level
     * under {@code what} (the process is ending its use of ONNX Runtime either way).
     */
    static void closeAll(java.util.List<OnnxTensor> tensors, java.util.Map<String, OrtSession> sessions,
                         org.slf4j.Logger log, String what) {
        tensors.forEach(OnnxTensor::close);
        tensors.clear();
        for (OrtSession s : sessions.values()) {
            try {
                s.close();
            } catch (OrtException e) {
                log.debug("closing a {} session: {}", what, e.getMessage());
            }
        }
        sessions.clear();
    }
}
