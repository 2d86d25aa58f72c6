package dev.condense.engine.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.condense.api.data.DataSplit;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runs an ONNX model file in ONNX Runtime (CPU) on float32 ND4J arrays.
 *
 * <p>All sessions share one process-wide {@link OrtEnvironment}. Session options are fixed, so results do not
 * depend on the caller: 2 intra-op threads (unless the caller gives a count), 1 inter-op thread, sequential
 * execution, all graph optimizations, deterministic compute. The model's first input is fed and its first output returned; the model must take a
 * float32 tensor {@code [N, ...]} and produce a float32 tensor. A text model whose {@code k > 1} inputs are all int64
 * {@code [N, L]} (an exported encoder: {@code input_ids, attention_mask, token_type_ids}) takes the packed float32
 * features {@code [N, k, L]} the text data sets hold ({@code nlp.PackedInputs}): row {@code i} goes to its
 * {@code i}-th input as int64, so a packed and a restored export of one model are run from the same arrays.
 */
public final class OrtRunner implements AutoCloseable {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private final OrtSession session;
    private final String inputName;
    /** The int64 {@code [N, L]} inputs of a multi-input text model in the model's order, or empty. */
    private final java.util.List<String> tokenInputs;

    /** Opens {@code model}; failures (missing file, invalid model) are {@link IllegalStateException}s naming it. */
    public OrtRunner(Path model) {
        this(model, 2);
    }

    /** Opens {@code model} with {@code intraOpThreads} (>= 1) intra-op threads; otherwise as {@link #OrtRunner(Path)}. */
    public OrtRunner(Path model, int intraOpThreads) {
        this(opts -> ENV.createSession(model.toAbsolutePath().toString(), opts), model.toString(), intraOpThreads);
    }

    /**
     * Opens a serialized model held in memory ({@code name} names it in errors), with {@code intraOpThreads} (>= 1)
     * intra-op threads; otherwise as {@link #OrtRunner(Path)}.
     */
    public OrtRunner(byte[] model, String name, int intraOpThreads) {
        this(opts -> ENV.createSession(model, opts), name, intraOpThreads);
    }

    @FunctionalInterface
    private interface Opener {
        OrtSession open(OrtSession.SessionOptions opts) throws OrtException;
    }

    private OrtRunner(Opener opener, String name, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, was " + intraOpThreads);
        }
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(intraOpThreads);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setDeterministicCompute(true);
            this.session = opener.open(opts);
            this.inputName = session.getInputNames().stream().findFirst().orElse(null); // a constant-only graph has none
            this.tokenInputs = tokenInputs(session.getInputInfo());
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot open " + name + ": " + e.getMessage(), e);
        }
    }

    /** The first output for {@code input} (float32 {@code [N, ...]}), as a new float32 array of the output's shape. */
    public INDArray run(INDArray input) {
        try (Feed feed = feed(input);
             OrtSession.Result r = session.run(feed.tensors())) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] shape = out.getInfo().getShape();
            FloatBuffer fb = out.getFloatBuffer();
            float[] values = new float[fb.remaining()];
            fb.get(values);
            return Nd4j.create(values, shape, DataType.FLOAT);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on input " + java.util.Arrays.toString(input.shape())
                    + ": " + e.getMessage(), e);
        }
    }

    /** The session's inputs if there are several and all are int64 of rank 2, else an empty list. */
    private static java.util.List<String> tokenInputs(Map<String, ai.onnxruntime.NodeInfo> inputs) {
        boolean tokens = inputs.size() > 1 && inputs.values().stream().allMatch(i -> i.getInfo()
                instanceof ai.onnxruntime.TensorInfo t && t.type == ai.onnxruntime.OnnxJavaType.INT64
                && t.getShape().length == 2);
        return tokens ? java.util.List.copyOf(inputs.keySet()) : java.util.List.of();
    }

    /** The tensors that feed {@code input} to this session (see the class comment); the caller closes them. */
    Feed feed(INDArray input) {
        if (tokenInputs.isEmpty()) {
            return new Feed(inputName == null ? Map.of() : Map.of(inputName, tensor(input)));
        }
        long[] s = input.shape();
        if (s.length != 3 || s[1] != tokenInputs.size()) {
            throw new IllegalArgumentException("the model takes " + tokenInputs.size() + " int64 inputs " + tokenInputs
                    + " [N, L]; a packed input [N, " + tokenInputs.size() + ", L] feeds them, not "
                    + java.util.Arrays.toString(s));
        }
        Map<String, OnnxTensor> tensors = new java.util.LinkedHashMap<>();
        Feed feed = new Feed(tensors);
        try {
            for (int i = 0; i < tokenInputs.size(); i++) {
                long[] row = input.get(NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all())
                        .castTo(DataType.INT64).dup('c').data().asLong();
                tensors.put(tokenInputs.get(i), OnnxTensor.createTensor(ENV, java.nio.LongBuffer.wrap(row),
                        new long[] {s[0], s[2]}));
            }
        } catch (OrtException e) {
            feed.close();
            throw new IllegalStateException("cannot create the int64 inputs " + tokenInputs + ": " + e.getMessage(), e);
        }
        return feed;
    }

    /** {@code input} (float32 {@code [N, ...]}) as an ONNX Runtime tensor; the caller closes it. */
    static OnnxTensor tensor(INDArray input) {
        float[] data = input.castTo(DataType.FLOAT).dup('c').data().asFloat();
        try {
            return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(data), input.shape());
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create an ONNX Runtime tensor of shape "
                    + java.util.Arrays.toString(input.shape()) + ": " + e.getMessage(), e);
        }
    }

    /** Input tensors by name, closed together. */
    record Feed(Map<String, OnnxTensor> tensors) implements AutoCloseable {
        @Override
        public void close() {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Times one {@code run} of the session on a prepared input tensor, including the release of its outputs and
     * nothing else (no copy in or out), so two models timed this way differ only by their graphs: the wall-clock
     * nanoseconds go to {@code wall[i]}, the calling thread's CPU nanoseconds to {@code cpu[i]}.
     */
    void timedRun(Feed input, long[] wall, long[] cpu, int i) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        try (OrtSession.Result r = session.run(input.tensors())) {
            if (r.size() == 0) {
                throw new IllegalStateException("the model has no outputs");
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on inputs " + input.tensors().keySet() + ": "
                    + e.getMessage(), e);
        }
        wall[i] = System.nanoTime() - t0;
        cpu[i] = THREADS.getCurrentThreadCpuTime() - c0;
    }

    /**
     * All outputs by name for inputs fed by name. Float32 and int64 tensors are supported in both directions; the
     * results are new arrays of the outputs' shapes.
     */
    public Map<String, INDArray> runAll(Map<String, INDArray> inputs) {
        Map<String, OnnxTensor> feed = new java.util.LinkedHashMap<>();
        try {
            for (var e : inputs.entrySet()) {
                INDArray a = e.getValue().dup('c');
                feed.put(e.getKey(), a.dataType() == DataType.INT64
                        ? OnnxTensor.createTensor(ENV, java.nio.LongBuffer.wrap(a.data().asLong()), a.shape())
                        : OnnxTensor.createTensor(ENV, FloatBuffer.wrap(a.castTo(DataType.FLOAT).data().asFloat()), a.shape()));
            }
            try (OrtSession.Result r = session.run(feed)) {
                Map<String, INDArray> out = new java.util.LinkedHashMap<>();
                for (var e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    long[] shape = t.getInfo().getShape();
                    out.put(e.getKey(), t.getInfo().type == ai.onnxruntime.OnnxJavaType.INT64
                            ? Nd4j.create(toArray(t.getLongBuffer()), shape, DataType.INT64)
                            : Nd4j.create(toArray(t.getFloatBuffer()), shape, DataType.FLOAT));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private static float[] toArray(FloatBuffer fb) {
        float[] v = new float[fb.remaining()];
        fb.get(v);
        return v;
    }

    private static long[] toArray(java.nio.LongBuffer lb) {
        long[] v = new long[lb.remaining()];
        lb.get(v);
        return v;
    }

    /**
     * Top-1 accuracy in [0, 1] of {@code model} on {@code split}, run in batches of at most {@code batch} rows: the
     * predicted class of a row is the argmax of its output row (output {@code [N, classes]}).
     */
    public static double accuracy(Path model, DataSplit split, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, was " + batch);
        }
        long n = split.size();
        long correct = 0;
        try (OrtRunner runner = new OrtRunner(model)) {
            for (long start = 0; start < n; start += batch) {
                long end = Math.min(n, start + batch);
                INDArray out = runner.run(rows(split.features(), start, end));
                INDArray labels = split.labels().reshape(n).get(NDArrayIndex.interval(start, end));
                INDArray predicted = out.argMax(1).castTo(DataType.FLOAT);
                correct += predicted.eq(labels.castTo(DataType.FLOAT)).castTo(DataType.INT64).sumNumber().longValue();
            }
        }
        return n == 0 ? 0.0 : (double) correct / n;
    }

    /**
     * Latency of single {@code run} calls on a seeded random input of {@code inputShape} (all dimensions concrete):
     * {@code warmup} untimed calls, then {@code runs} calls each timed with {@link System#nanoTime()}.
     */
    public static LatencyStats latency(Path model, long[] inputShape, int warmup, int runs) {
        if (warmup < 0 || runs < 1) {
            throw new IllegalArgumentException("need warmup >= 0 and runs >= 1, got " + warmup + " and " + runs);
        }
        if (java.util.Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("latency needs a concrete input shape, got "
                    + java.util.Arrays.toString(inputShape));
        }
        INDArray input = seededInput(inputShape);
        long[] nanos = new long[runs];
        try (OrtRunner runner = new OrtRunner(model)) {
            for (int i = 0; i < warmup; i++) {
                runner.run(input);
            }
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                runner.run(input);
                nanos[i] = System.nanoTime() - t0;
            }
        }
        return LatencyStats.ofNanos(nanos);
    }

    /** Uniform [0,1) float32 values from a private RNG seeded with 42, leaving ND4J's global RNG untouched. */
    @SuppressWarnings("try") // ND4J's Random.close() is declared to throw Exception; the native one never throws
    static INDArray seededInput(long[] shape) {
        try (org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(42)) {
            return Nd4j.rand(rng, shape).castTo(DataType.FLOAT);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the latency input " + java.util.Arrays.toString(shape), e);
        }
    }

    private static INDArray rows(INDArray a, long start, long end) {
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        idx[0] = NDArrayIndex.interval(start, end);
        for (int i = 1; i < idx.length; i++) {
            idx[i] = NDArrayIndex.all();
        }
        return a.get(idx);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close ONNX Runtime session: " + e.getMessage(), e);
        }
    }
}
