import dev.condense.api.data.Dataset;
import dev.condense.api.model.HalfPrecision;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.DatasetCatalog;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.runtime.InterleavedLatency;
import dev.condense.engine.runtime.LatencyComparison;
import dev.condense.engine.runtime.OptimizedGraph;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Float16 weight storage of a trained MNIST or Fashion-MNIST model (what the quant-fp16 plugin's scheme gives): every
 * float initializer of more than one element rounded to binary16 and annotated {@link HalfPrecision}, exported
 * (FLOAT16 initializers + Cast), against the float32 file: test accuracy in ONNX Runtime, file bytes, ORT's
 * optimized graph and batch latency (interleaved, one intra-op thread, float32 as reference).
 *
 * <p>Usage: {@code bench/run.sh Float16Export MODEL.onnx [dataset=mnist] [batch=128]}.
 */
public class Float16Export {

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        String data = args.length > 1 ? args[1] : "mnist";
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        Dataset d = DatasetCatalog.standard().load(data, DataOptions.defaults());
        ModelGraph g = new OnnxImporter().read(model);
        ModelGraph.Builder b = g.toBuilder();
        for (var e : g.initializers().entrySet()) {
            INDArray w = e.getValue();
            if (w.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT && w.length() > 1) {
                b.initializer(e.getKey(), HalfPrecision.project(w)).annotate(e.getKey(), new HalfPrecision());
            }
        }
        Path dir = Files.createTempDirectory("float16-bench");
        Path pf = dir.resolve("float32.onnx");
        Path ph = dir.resolve("float16-weights.onnx");
        new OnnxExporter().write(g, pf);
        new OnnxExporter().write(b.build(), ph);
        long[] shape = g.inputs().get(0).shape().clone();
        shape[0] = batch;
        System.out.printf("%s on %s, batch %d, ONNX Runtime 1 intra-op thread, load %s%n", model, data, batch,
                Files.readString(Path.of("/proc/loadavg")).trim());
        double a32 = 100 * OrtRunner.accuracy(pf, d.test(), 500);
        double a16 = 100 * OrtRunner.accuracy(ph, d.test(), 500);
        LatencyComparison c = InterleavedLatency.measure(pf, ph, shape, new InterleavedLatency.Plan(10, 15, 10, 200), 1)
                .ratio();
        System.out.printf("float32          accuracy %.2f%%  bytes %d%n", a32, Files.size(pf));
        System.out.printf("float16 weights  accuracy %.2f%%  bytes %d (%.2fx smaller)  speed-up %.2f [%.2f, %.2f] %s%n",
                a16, Files.size(ph), (double) Files.size(pf) / Files.size(ph), c.speedupMedian(), c.speedupQ1(),
                c.speedupQ3(), c.verdict().text());
        System.out.printf("accuracy change %.2f points; %s%n", a16 - a32, OptimizedGraph.of(ph, 1).summary());
    }
}
