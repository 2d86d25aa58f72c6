import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.api.quant.MinMaxAccumulator;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.quant.ChannelPadding;
import dev.condense.engine.onnx.quant.IntegerOnlyExport;
import dev.condense.engine.quant.ActivationCalibration;
import dev.condense.engine.quant.QdqPlacement;
import dev.condense.engine.quant.StaticQuantization;
import dev.condense.engine.rewrite.BatchNormFolding;
import dev.condense.engine.runtime.InterleavedLatency;
import dev.condense.engine.zoo.Zoo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where an int8 CNN's time goes in ONNX Runtime: the zoo model (seeded untrained weights; latency does not depend on
 * their values) quantized as the quantize stage does (BN folded, per-channel symmetric int8 weights, uint8
 * activations by min/max on 256 seeded uniform rows, {@link QdqPlacement}), exported as QDQ (and integer-only), then
 * for float32, QDQ and integer-only: ORT's optimized graph in node order, and ORT's profiler's kernel time per node
 * type over {@code runs} calls at batch {@code batch}, one intra-op thread; then the interleaved speed-up.
 *
 * <p>{@code -Dpad=true} in {@code BENCH_JAVA_OPTS} adds the QDQ form after {@link ChannelPadding} (narrow
 * convolution groups widened to 16 channels with zero filters).
 *
 * <p>{@code -Dpatches=true} adds the QDQ form with a narrow-input first convolution lowered by
 * {@link dev.condense.engine.onnx.quant.InputPatches}, alone and then channel-padded.
 *
 * <p>{@code -DperTensor=true}: per-tensor weight scales; {@code -DasymmetricWeights=true}: asymmetric weights (a zero
 * point per channel); {@code -DactSymmetric=true}: int8 activations with zero point 0 instead of uint8.
 *
 * <p>Usage: {@code bench/run.sh Int8CnnProfile [model=vgg-small] [batch=128] [runs=20] [outdir]}.
 */
public class Int8CnnProfile {

    public static void main(String[] args) throws Exception {
        String model = args.length > 0 ? args[0] : "vgg-small";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Path dir = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("int8-profile");
        Files.createDirectories(dir);
        ModelGraph g = Zoo.build(model, 1);
        ModelGraph folded = BatchNormFolding.fold(g).graph();
        java.util.Set<String> exclude = java.util.Set.of(System.getProperty("exclude", "").split(","));
        List<WeightedLayer> layers = WeightedLayers.stored(folded).stream()
                .filter(l -> !exclude.contains(l.source())).toList();
        QdqPlacement p = QdqPlacement.of(folded, layers);
        INDArray rows = Nd4j.rand(new long[] {256, 1, 28, 28}).castTo(DataType.FLOAT);
        boolean actSymmetric = Boolean.getBoolean("actSymmetric");   // int8 activations (s8s8) instead of uint8
        Map<String, ClipRange> ranges = ActivationCalibration.calibrate(folded, rows, p.calibrated(),
                MinMaxAccumulator::new, 128, 8, actSymmetric);
        ModelGraph q = StaticQuantization.apply(folded, layers, p, ranges, 8, actSymmetric,
                new StaticQuantization.WeightOptions(8, !Boolean.getBoolean("perTensor"),
                        !Boolean.getBoolean("asymmetricWeights"), false));
        Path f32 = dir.resolve(model + "-float.onnx");
        Path qdq = dir.resolve(model + "-qdq.onnx");
        Path integer = dir.resolve(model + "-integer.onnx");
        new OnnxExporter().write(g, f32);
        new OnnxExporter().write(q, qdq);
        List<Path> files = new java.util.ArrayList<>(List.of(f32, qdq));
        if (Boolean.getBoolean("pad")) {   // -Dpad=true: also the QDQ form with narrow conv groups widened to 16
            var padded = ChannelPadding.pad(new OnnxExporter().toProto(q));
            Path f = dir.resolve(model + "-qdq-padded.onnx");
            Files.write(f, padded.model().toByteArray());
            System.out.println("padded: " + padded.widened());
            files.add(f);
        }
        if (Boolean.getBoolean("patches")) {   // -Dpatches=true: the first conv lowered by InputPatches, then padded
            var patched = dev.condense.engine.onnx.quant.InputPatches.lower(new OnnxExporter().toProto(q));
            var both = ChannelPadding.pad(new OnnxExporter().toProto(q), true);
            Path f = dir.resolve(model + "-qdq-patched-padded.onnx");
            Files.write(f, both.model().toByteArray());
            Path f2 = dir.resolve(model + "-qdq-patched.onnx");
            Files.write(f2, patched.model().toByteArray());
            System.out.println("patched: " + patched.widened() + "; then padded: " + both.widened());
            files.add(f2);
            files.add(f);
        }
        try {
            ModelProto ip = IntegerOnlyExport.rewrite(new OnnxExporter().toProto(q), model);
            Files.write(integer, ip.toByteArray());
            files.add(integer);
        } catch (RuntimeException e) {
            System.out.println("no integer-only export: " + e.getMessage());
        }
        System.out.printf("%s: %d layers, %d QDQ activations (%d calibrated)%n", model, layers.size(),
                p.tensors().size(), p.calibrated().size());
        for (Path f : files) {
            System.out.printf("%n== %s (%d bytes)%n", f.getFileName(), Files.size(f));
            optimized(f, dir);
            profile(f, batch, runs, dir);
        }
        long[] shape = {batch, 1, 28, 28};
        for (Path f : files.subList(1, files.size())) {
            var r = InterleavedLatency.measure(f32, f, shape, new InterleavedLatency.Plan(5, 11, 5), 1).ratio();
            System.out.printf("%nspeed-up of %s over float32, batch %d: %.3f [%.3f, %.3f] (float %.3f ms, this %.3f ms)%n",
                    f.getFileName(), batch, r.speedupMedian(), r.speedupQ1(), r.speedupQ3(),
                    r.reference().medianMillis(), r.model().medianMillis());
        }
    }

    static OrtSession.SessionOptions options() throws Exception {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(1);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        return o;
    }

    static void optimized(Path f, Path dir) throws Exception {
        Path out = dir.resolve(f.getFileName().toString().replace(".onnx", ".ort-optimized.onnx"));
        try (OrtSession.SessionOptions o = options()) {
            o.setOptimizedModelFilePath(out.toString());
            OrtEnvironment.getEnvironment().createSession(f.toString(), o).close();
        }
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(out));
        StringBuilder s = new StringBuilder("optimized graph: ");
        for (NodeProto n : m.getGraph().getNodeList()) {
            s.append(n.getDomain().isEmpty() ? "" : n.getDomain().replace("com.microsoft", "ms") + ":")
                    .append(n.getOpType()).append(' ');
        }
        System.out.println(s);
    }

    static void profile(Path f, int batch, int runs, Path dir) throws Exception {
        var env = OrtEnvironment.getEnvironment();
        String json;
        try (OrtSession.SessionOptions o = options()) {
            o.enableProfiling(dir.resolve(f.getFileName().toString().replace(".onnx", "")).toString());
            try (OrtSession s = env.createSession(f.toString(), o)) {
                float[] x = new float[batch * 28 * 28];
                java.util.Random r = new java.util.Random(42);
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextFloat();
                }
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, 1, 28, 28})) {
                    String in = s.getInputNames().iterator().next();
                    for (int i = 0; i < runs + 5; i++) {
                        s.run(Map.of(in, t)).close();
                    }
                }
                json = s.endProfiling();
            }
        }
        JsonNode events = new ObjectMapper().readTree(Path.of(json).toFile());
        Map<String, long[]> byOp = new TreeMap<>();
        Map<String, long[]> byNode = new java.util.LinkedHashMap<>();
        long total = 0;
        for (JsonNode e : events) {
            if (!"Node".equals(e.path("cat").asText()) || !e.path("name").asText().endsWith("_kernel_time")) {
                continue;
            }
            String op = e.path("args").path("op_name").asText();
            String node = e.path("name").asText().replace("_kernel_time", "");
            long dur = e.path("dur").asLong();
            byOp.computeIfAbsent(op, k -> new long[2])[0] += dur;
            byOp.get(op)[1]++;
            byNode.computeIfAbsent(node + " [" + op + "]", k -> new long[2])[0] += dur;
            byNode.get(node + " [" + op + "]")[1]++;
            total += dur;
        }
        int allRuns = runs + 5;
        System.out.printf("kernel time per call %.3f ms (profiler, %d calls incl. 5 warm-up)%n", total / 1000.0 / allRuns, allRuns);
        for (var e : byOp.entrySet()) {
            System.out.printf("  %-28s %8.3f ms/call  %5.1f%%  x%d%n", e.getKey(), e.getValue()[0] / 1000.0 / allRuns,
                    100.0 * e.getValue()[0] / total, e.getValue()[1] / allRuns);
        }
        if (System.getenv("PROFILE_NODES") != null) {
            for (var e : byNode.entrySet()) {
                System.out.printf("    %-60s %8.3f ms/call%n", e.getKey(), e.getValue()[0] / 1000.0 / allRuns);
            }
        }
    }
}
