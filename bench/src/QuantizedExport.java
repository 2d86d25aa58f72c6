import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.Codebook;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.InterleavedLatency;
import dev.condense.engine.runtime.LatencyComparison;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * File bytes and ONNX Runtime latency of the exported forms of a zoo model's weights: float32; weight-only int8
 * (per-channel symmetric {@link AffineQuantization} on every weighted layer: DequantizeLinear in the file);
 * a 5-bit {@link Codebook} (32 evenly spaced centroids over each weight's range: uint8 indices + Cast + Gather).
 * Latency: {@link InterleavedLatency}, 1 intra-op thread (CPU time), the float file as reference. Weights are the
 * seeded untrained zoo weights: bytes and latency do not depend on their values.
 *
 * <p>Usage: {@code bench/run.sh QuantizedExport [model=lenet-300-100] [batch=128]}.
 */
public class QuantizedExport {

    public static void main(String[] args) throws Exception {
        String model = args.length > 0 ? args[0] : "lenet-300-100";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        ModelGraph g = Zoo.build(model, 0);
        ModelGraph.Builder int8 = g.toBuilder();
        ModelGraph.Builder coded = g.toBuilder();
        for (WeightedLayer l : WeightedLayers.of(g)) {
            INDArray w = g.initializers().get(l.source());
            int axis = l.kind() == WeightedLayer.Kind.MATMUL ? 1 : 0;
            INDArray moved = axis == 0 ? w : w.swapAxes(0, 1);
            float[] scales = new float[(int) moved.size(0)];
            for (int c = 0; c < scales.length; c++) {
                scales[c] = Math.max(moved.slice(c).amaxNumber().floatValue(), 1e-8f) / 127f;
            }
            AffineQuantization q = AffineQuantization.perChannel(scales, new long[scales.length], axis, 8, true);
            int8.initializer(l.source(), q.project(w)).annotate(l.source(), q);
            double lo = w.minNumber().doubleValue();
            double step = (w.maxNumber().doubleValue() - lo) / 31;
            INDArray centroids = Nd4j.arange(32).mul(step).add(lo).castTo(DataType.FLOAT);
            INDArray idx = Transforms.min(Transforms.max(Transforms.round(w.sub(lo).div(step)), 0), 31)
                    .castTo(DataType.INT32);
            Codebook book = new Codebook(centroids, idx);
            coded.initializer(l.source(), book.weights()).annotate(l.source(), book);
        }
        Path dir = Files.createTempDirectory("quantized-export-bench");
        Path f32 = write(new OnnxExporter(), g, dir.resolve("float.onnx"));
        Path i8 = write(new OnnxExporter(), int8.build(), dir.resolve("int8.onnx"));
        Path cb = write(new OnnxExporter(), coded.build(), dir.resolve("codebook.onnx"));
        long[] shape = model.equals("lenet-300-100") || model.equals("lenet-5")
                ? new long[] {batch, 1, 28, 28} : concrete(g.inputs().get(0).shape(), batch);
        System.out.printf("%s, batch %d, ONNX Runtime 1 intra-op thread%n", model, batch);
        System.out.printf("%-26s %11s  %-36s %s%n", "form", "file bytes", "speed-up [Q1, Q3]", "ORT optimized graph");
        System.out.printf("%-26s %11d  %-36s %s%n", "float32", Files.size(f32), "1 (reference)", optimizedOps(f32));
        InterleavedLatency.Plan plan = new InterleavedLatency.Plan(20, 15, 20, 200);
        for (Path p : new Path[] {i8, cb}) {
            LatencyComparison c = InterleavedLatency.measure(f32, p, shape, plan, 1).ratio();
            System.out.printf("%-26s %11d  %-36s %s%n", p == i8 ? "int8 per-channel (DQ)" : "5-bit codebook (Gather)",
                    Files.size(p), String.format("%.2f [%.2f, %.2f] %s", c.speedupMedian(), c.speedupQ1(),
                            c.speedupQ3(), c.verdict().text()), optimizedOps(p));
        }
    }

    /** Op types and counts of the graph ONNX Runtime runs for {@code model} (all optimizations, as OrtRunner). */
    private static java.util.Map<String, Long> optimizedOps(Path model) throws Exception {
        Path out = model.resolveSibling(model.getFileName() + ".optimized");
        try (ai.onnxruntime.OrtSession.SessionOptions o = new ai.onnxruntime.OrtSession.SessionOptions()) {
            o.setOptimizationLevel(ai.onnxruntime.OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR); // no NCHWc warning
            o.setOptimizedModelFilePath(out.toString());
            ai.onnxruntime.OrtEnvironment.getEnvironment().createSession(model.toString(), o).close();
        }
        return onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(out)).getGraph().getNodeList().stream()
                .collect(java.util.stream.Collectors.groupingBy(onnx.Onnx.NodeProto::getOpType,
                        java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }

    private static Path write(OnnxExporter e, ModelGraph g, Path p) {
        e.write(g, p);
        return p;
    }

    private static long[] concrete(long[] shape, int batch) {
        long[] s = shape.clone();
        s[0] = batch;
        return s;
    }
}
