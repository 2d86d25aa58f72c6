package dev.condense.engine.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.condense.api.model.ModelGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link BatchNormOps}' {@code batchnorm} and {@code batchnorm_bp} of a planned step on ONNX Runtime
 * ({@link OrtBatchNormGraphs}) instead of libnd4j, on the plan's own arrays (no copies): libnd4j's
 * {@code batchnorm_bp} adds the statistics' paths to oneDNN's gradient with a dozen broadcast and reduction passes
 * and a temporary the size of x per call (docs/benchmarks.md, issue 19, bn stream). Same mathematics, different
 * float rounding (within float tolerance: {@code OrtBatchNormTest}); one ONNX Runtime thread, no graph optimization.
 * The batch moments run here too (two passes, {@link OrtBatchNormGraphs#moments}): closer to a float64 evaluation
 * than libnd4j's {@code moments} ({@code OrtBatchNormTest}) and 1.6-1.9x faster per call; the rounding of the batch
 * mean moves the first layers' gradients of a resnet-20-small step by up to ~1% against the session's, whose
 * moments are libnd4j's ({@code OpPlanTest}; docs/benchmarks.md, issue 19, sixteenth session).
 *
 * <p>Shapes: x {@code [N, C, ...]} rank 2 to 5, float32, every array contiguous in C order (views of the flat
 * parameter buffer included). One session per graph kind, x shape and epsilon, shared by the plan's BN layers.
 * Off with {@code -Dcondense.plan.ortBatchNorm=false} (for A/B measurements).
 */
final class OrtBatchNorm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrtBatchNorm.class);
    /** Whether planned steps use these kernels (system property {@code condense.plan.ortBatchNorm}, default on). */
    static final boolean ON = !"false".equals(System.getProperty("condense.plan.ortBatchNorm"));
    private final boolean moments;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    /** Kernels for all three ops; the moments' off with {@code -Dcondense.plan.ortMoments=false} (read here). */
    OrtBatchNorm() {
        this(!"false".equals(System.getProperty("condense.plan.ortMoments")));
    }

    /** @param moments whether the batch moments get a kernel too (else they stay libnd4j's {@code moments}) */
    OrtBatchNorm(boolean moments) {
        this.moments = moments;
    }
    private final Map<String, OrtSession> sessions = new HashMap<>();
    private final List<OnnxTensor> tensors = new ArrayList<>();

    /**
     * A kernel computing {@code fn} from {@code ins} into {@code outs} (the planned op's arrays, fixed for the plan),
     * or null when {@code fn} is not {@link BatchNormOps}' forward or backward with channel axis 1, or an array does
     * not fit.
     */
    Runnable kernel(DifferentialFunction fn, INDArray[] ins, INDArray[] outs) {
        if (!ON || ins.length == 0 || !OrtArrays.fits(ins) || !OrtArrays.fits(outs) || ins[0].rank() < 2 || ins[0].rank() > 5) {
            return null;
        }
        long[] shape = ins[0].shape();
        try {
            if (fn instanceof BatchNormOps.Moments m && ins.length == 1 && outs.length == 2 && moments
                    && Arrays.equals(m.iArgs(), OrtBatchNormGraphs.axes(shape))) {
                OrtSession s = session("moments", shape, 0f, OrtBatchNormGraphs.moments(shape));
                return bind(s, new String[] {"x"}, ins, new String[] {"mean", "var"}, outs, null);
            }
            if (fn instanceof BatchNormOps.Forward f && ins.length == 5 && outs.length == 1 && plainArgs(f)) {
                float eps = (float) f.tArgs()[0];
                OrtSession s = session("forward", shape, eps, OrtBatchNormGraphs.forward(shape, eps));
                return bind(s, new String[] {"x", "mean", "var", "gamma", "beta"}, ins, new String[] {"y"}, outs, null);
            }
            if (fn instanceof BatchNormOps.Backward b && ins.length == 6 && outs.length == 5 && plainArgs(b)) {
                float eps = (float) b.tArgs()[0];
                OrtSession s = session("backward", shape, eps, OrtBatchNormGraphs.backward(shape, eps));
                INDArray[] in = {ins[0], ins[1], ins[2], ins[3], ins[5]};
                INDArray[] out = {outs[0], outs[3], outs[4]};
                return bind(s, new String[] {"x", "mean", "var", "gamma", "dy"}, in,
                        new String[] {"dx", "dgamma", "dbeta"}, out, new INDArray[] {outs[1], outs[2]});
            }
        } catch (OrtException | RuntimeException e) {
            LOG.warn("batch normalization of {} stays in libnd4j: {}", Arrays.toString(shape), e.getMessage());
        }
        return null;
    }

    private OrtSession session(String kind, long[] shape, float eps, ModelGraph graph) throws OrtException {
        String key = kind + Arrays.toString(shape) + eps;
        OrtSession s = sessions.get(key);
        if (s == null) {
            s = OrtArrays.session(env, graph);
            sessions.put(key, s);
        }
        return s;
    }

    private Runnable bind(OrtSession s, String[] inNames, INDArray[] ins, String[] outNames, INDArray[] outs,
                          INDArray[] zeros) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>();
        for (int i = 0; i < inNames.length; i++) {
            in.put(inNames[i], wrap(ins[i]));
        }
        Map<String, OnnxTensor> out = new HashMap<>();
        for (int i = 0; i < outNames.length; i++) {
            out.put(outNames[i], wrap(outs[i]));
        }
        return () -> {
            try (OrtSession.Result r = s.run(in, out)) {
                if (r.size() != out.size()) {
                    throw new IllegalStateException("ONNX Runtime returned " + r.size() + " batch-norm outputs");
                }
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed in batch normalization: " + e.getMessage(), e);
            }
            if (zeros != null) {
                for (INDArray z : zeros) {
                    z.assign(0); // batchnorm_bp's dL/dmean and dL/dvar: the statistics' paths are in dx already
                }
            }
        };
    }

    private OnnxTensor wrap(INDArray a) throws OrtException {
        OnnxTensor t = OrtArrays.wrap(env, a);
        tensors.add(t);
        return t;
    }

    private static boolean plainArgs(org.nd4j.linalg.api.ops.DynamicCustomOp op) {
        return Arrays.equals(op.iArgs(), new long[] {1, 1, 1}) && op.tArgs().length == 1;
    }

    @Override
    public void close() {
        OrtArrays.closeAll(tensors, sessions, LOG, "batch-norm");
    }
}
