package dev.condense.engine.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.onnx.OnnxExporter;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam (Kingma &amp; Ba 2015) over one flat float32 gradient buffer {@code [1, n]}, in place, computed by ONNX
 * Runtime's vectorized CPU kernels on the buffers ND4J owns (no copies): libnd4j's {@code adam_updater} runs its
 * {@code sqrt} and division one element at a time (1.5-2.4 ms per LeNet-300-100 step, a third of it), ONNX Runtime's
 * {@code Sqrt}/{@code Div} in SIMD registers.
 *
 * <p>Same arithmetic as libnd4j's {@code adam_updater} (ND4J 1.0.0-M2.1), operation for operation in float32:
 * {@code m = b1 m + g (1 - b1)}, {@code v = b2 v + (g g)(1 - b2)}, {@code g = (m eT) / (sqrt(v) + eps)}, with
 * {@code eT = lr sqrt(1 - b2^t) / (1 - b1^t)}, {@code t = iteration + 1}, the powers by libnd4j's own {@code pow},
 * and {@code eT = eps} when that is not finite or zero; the state starts at zero. The caller subtracts the update.
 * The graph: {@code Mul, Mul, Add -> m; Mul, Mul, Add -> v; Cast, Sqrt, Cast, Add, Mul, Div -> g}; the square root is
 * taken in float64 and rounded to float32, which is the correctly rounded float32 root (ONNX Runtime's float32
 * {@code Sqrt} is an approximation that misses it by one unit in the last place for ~40% of inputs, measured). Every
 * input is read only by ops that run before the op writing its buffer, so inputs and outputs may share memory.
 */
final class OrtAdam implements AutoCloseable {
    /** ONNX TensorProto data types. */
    private static final long FLOAT = 1;
    private static final long DOUBLE = 11;
    private final Adam config;
    private final INDArray m;
    private final INDArray v;
    private final INDArray epsT;
    private final OrtSession session;
    private final List<OnnxTensor> tensors;
    private final Map<String, OnnxTensor> inputs;
    private final Map<String, OnnxTensor> outputs;

    private OrtAdam(Adam config, INDArray m, INDArray v, INDArray epsT, OrtSession session, List<OnnxTensor> tensors) {
        this.config = config;
        this.m = m;
        this.v = v;
        this.epsT = epsT;
        this.session = session;
        this.tensors = tensors;
        this.inputs = Map.of("g", tensors.get(0), "m", tensors.get(1), "v", tensors.get(2), "epsT", tensors.get(3));
        this.outputs = Map.of("m1", tensors.get(1), "v1", tensors.get(2), "u", tensors.get(0));
    }

    /**
     * Adam over {@code grads} ({@code [1, n]} float32, its whole own buffer).
     *
     * @throws IllegalStateException if ONNX Runtime cannot build the step
     */
    static OrtAdam over(Adam config, INDArray grads) {
        if (grads.dataType() != DataType.FLOAT || grads.rank() != 2 || grads.size(0) != 1 || grads.isView()
                || grads.data().length() != grads.length()) {
            throw new IllegalArgumentException("OrtAdam needs a whole [1, n] float32 buffer");
        }
        long n = grads.length();
        INDArray m = Nd4j.zeros(DataType.FLOAT, 1, n);
        INDArray v = Nd4j.zeros(DataType.FLOAT, 1, n);
        INDArray epsT = Nd4j.zeros(DataType.FLOAT, 1);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT); // keep every rounding step
            OrtSession session = env.createSession(new OnnxExporter().toBytes(graph(config, n)), opts);
            List<OnnxTensor> tensors = List.of(wrap(env, grads), wrap(env, m), wrap(env, v), wrap(env, epsT));
            return new OrtAdam(config, m, v, epsT, session, tensors);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot run the Adam step: " + e.getMessage(), e);
        }
    }

    private static OnnxTensor wrap(OrtEnvironment env, INDArray a) throws OrtException {
        var buffer = a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        if (!buffer.isDirect()) {
            throw new IllegalStateException("ND4J buffer is not direct memory");
        }
        return OnnxTensor.createTensor(env, buffer, a.shape());
    }

    private static ModelGraph graph(Adam c, long n) {
        float b1 = (float) c.getBeta1();
        float b2 = (float) c.getBeta2();
        long[] shape = {1, n};
        ValueInfo.ElementType f = ValueInfo.ElementType.FLOAT;
        return ModelGraph.builder("adam")
                .input(new ValueInfo("g", f, shape)).input(new ValueInfo("m", f, shape))
                .input(new ValueInfo("v", f, shape)).input(new ValueInfo("epsT", f, new long[] {1}))
                .initializer("b1", scalar(b1)).initializer("c1", scalar(1 - b1))
                .initializer("b2", scalar(b2)).initializer("c2", scalar(1 - b2))
                .initializer("eps", scalar((float) c.getEpsilon()))
                .node(op("Mul", "b1m", "b1", "m")).node(op("Mul", "gc1", "g", "c1")).node(op("Add", "m1", "b1m", "gc1"))
                .node(op("Mul", "b2v", "b2", "v")).node(op("Mul", "gg", "g", "g")).node(op("Mul", "ggc2", "gg", "c2"))
                .node(op("Add", "v1", "b2v", "ggc2"))
                .node(op("Mul", "me", "m1", "epsT")).node(cast("vd", "v1", DOUBLE)).node(op("Sqrt", "svd", "vd")).node(cast("sv", "svd", FLOAT)).node(op("Add", "den", "sv", "eps"))
                .node(op("Div", "u", "me", "den"))
                .output(new ValueInfo("m1", f, shape)).output(new ValueInfo("v1", f, shape))
                .output(new ValueInfo("u", f, shape)).build();
    }

    private static Node cast(String out, String in, long to) {
        return new Node(out, "Cast", List.of(in), List.of(out), Map.of("to", to));
    }

    private static INDArray scalar(float x) {
        return Nd4j.createFromArray(x);
    }

    private static Node op(String type, String out, String... in) {
        return new Node(out, type, List.of(in), List.of(out), Map.of());
    }

    /** Replaces the gradients by Adam's update for {@code iteration} (0-based) and {@code epoch}; updates m and v. */
    void apply(int iteration, int epoch) {
        float lr = (float) config.getLearningRate(iteration, epoch);
        INDArray t = Nd4j.createFromArray((float) iteration + 1, (float) iteration + 1);
        INDArray betas = Nd4j.createFromArray((float) config.getBeta1(), (float) config.getBeta2());
        INDArray powers = Transforms.pow(betas, t, true); // libnd4j's pow, as adam_updater computes b^t
        float b1T = powers.getFloat(0);
        float b2T = powers.getFloat(1);
        float root = (float) Math.sqrt((float) (1.0 - b2T));
        float e = (float) ((double) (lr * root) / (1.0 - b1T));
        if (!Float.isFinite(e) || e == 0) {
            e = (float) config.getEpsilon();
        }
        epsT.putScalar(0, e);
        try (OrtSession.Result r = session.run(inputs, outputs)) {
            if (r.size() != outputs.size()) {
                throw new IllegalStateException("ONNX Runtime returned " + r.size() + " Adam outputs");
            }
        } catch (OrtException ex) {
            throw new IllegalStateException("ONNX Runtime failed in the Adam step: " + ex.getMessage(), ex);
        }
    }

    /** Adam's first and second moment estimates ({@code [1, n]} each). */
    INDArray[] state() {
        return new INDArray[] {m, v};
    }

    @Override
    public void close() {
        tensors.forEach(OnnxTensor::close);
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
