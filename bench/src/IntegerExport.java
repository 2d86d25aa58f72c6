import dev.condense.api.data.DataSplit;
import dev.condense.api.data.Dataset;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.DatasetCatalog;
import dev.condense.engine.onnx.quant.IntegerOnlyExport;
import dev.condense.engine.onnx.quant.ReferenceQdq;
import dev.condense.engine.runtime.InterleavedLatency;
import dev.condense.engine.runtime.LatencyComparison;
import dev.condense.engine.runtime.OptimizedGraph;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import onnx.Onnx.ModelProto;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Accuracy, file bytes, ORT's optimized graph and batch latency of three forms of a trained float MNIST model:
 * float32 (the file given), the hand-built QDQ form ({@link ReferenceQdq}: per-channel int8 weights, per-tensor uint8
 * activations from min/max on the first 512 training rows) and its integer-only rewrite ({@link IntegerOnlyExport}).
 * Latency: {@link InterleavedLatency}, one intra-op thread (CPU time), float32 as reference, and integer-only against
 * QDQ. Accuracy: the 10,000 MNIST test rows in ONNX Runtime.
 *
 * <p>Usage: {@code bench/run.sh IntegerExport MODEL.onnx [batch=128]}, e.g. with the model.onnx of
 * {@code condense run bench/recipes/lenet-5-one-epoch.yaml} or of config/recipes/quickstart.yaml.
 */
public class IntegerExport {

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        Dataset d = DatasetCatalog.standard().load("mnist", DataOptions.defaults());
        DataSplit train = d.train();
        Path dir = Files.createTempDirectory("integer-export-bench");
        ModelProto f32 = ModelProto.parseFrom(Files.readAllBytes(model));
        ModelProto qdq = ReferenceQdq.qdq(f32, train.features().get(NDArrayIndex.interval(0, 512)).dup(), dir);
        ModelProto ints = IntegerOnlyExport.rewrite(qdq, model.toString());
        Path pf = dir.resolve("float.onnx");
        Path pq = dir.resolve("qdq.onnx");
        Path pi = dir.resolve("integer.onnx");
        Files.write(pf, f32.toByteArray());
        Files.write(pq, qdq.toByteArray());
        Files.write(pi, ints.toByteArray());
        long[] shape = {batch, 1, 28, 28};
        System.out.printf("%s, batch %d, ONNX Runtime 1 intra-op thread, load %s%n", model, batch, load());
        System.out.printf("%-14s %9s %11s  %-40s %s%n", "form", "accuracy", "file bytes", "speed-up vs float32 [Q1, Q3]",
                "ORT optimized graph");
        InterleavedLatency.Plan plan = new InterleavedLatency.Plan(10, 15, 10, 200);
        for (Path p : new Path[] {pf, pq, pi}) {
            String speed = "1 (reference)";
            if (p != pf) {
                LatencyComparison c = InterleavedLatency.measure(pf, p, shape, plan, 1).ratio();
                speed = String.format("%.2f [%.2f, %.2f] %s (%.2f ms)", c.speedupMedian(), c.speedupQ1(), c.speedupQ3(),
                        c.verdict().text(), c.model().medianMillis());
            }
            System.out.printf("%-14s %8.2f%% %11d  %-40s %s%n", p.getFileName(),
                    100 * OrtRunner.accuracy(p, d.test(), 500), Files.size(p), speed, OptimizedGraph.of(p, 1).summary());
        }
        LatencyComparison c = InterleavedLatency.measure(pq, pi, shape, plan, 1).ratio();
        System.out.printf("integer-only vs QDQ: %.2f [%.2f, %.2f] %s (%.3f vs %.3f ms)%n", c.speedupMedian(),
                c.speedupQ1(), c.speedupQ3(), c.verdict().text(), c.model().medianMillis(), c.reference().medianMillis());
        System.out.printf("load after: %s%n", load());
    }

    private static String load() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
