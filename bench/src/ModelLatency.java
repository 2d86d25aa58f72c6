import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ONNX Runtime latency of model files, each timed alone in blocks: args REPEATS FILE... (inputs [N, 1, 28, 28]).
 * Each repeat times every file in turn at batch 1 (50 warm-up, 200 timed calls) and batch 128 (5 warm-up, 30 timed
 * calls), 2 intra-op threads; prints the median over repeats of each run's median and each file's batch-128
 * speed-up over the first file. Only the order of the blocks alternates, so a change in the machine's load during a
 * block hits one file only: for speed-ups use {@code VggSmallLatency} or the evaluate stage, which alternate call by
 * call ({@code InterleavedLatency}) and report the spread (docs/benchmarks.md, "vgg-small filter rows re-measured").
 */
public class ModelLatency {
    public static void main(String[] args) throws Exception {
        int repeats = Integer.parseInt(args[0]);
        int n = args.length - 1;
        double[][] b1 = new double[n][repeats];
        double[][] b128 = new double[n][repeats];
        for (int r = 0; r < repeats; r++) {
            for (int i = 0; i < n; i++) {
                Path file = Path.of(args[i + 1]);
                b1[i][r] = OrtRunner.latency(file, new long[] {1, 1, 28, 28}, 50, 200).medianMillis();
                b128[i][r] = OrtRunner.latency(file, new long[] {128, 1, 28, 28}, 5, 30).medianMillis();
            }
        }
        double base = ZooLatency.median(b128[0]);
        for (int i = 0; i < n; i++) {
            double m = ZooLatency.median(b128[i]);
            System.out.printf("%s: batch 1 median %.3f ms (runs %.3f-%.3f), batch 128 median %.2f ms (runs %.2f-%.2f),"
                    + " %d bytes, batch-128 speed-up vs first %.2fx%n", args[i + 1], ZooLatency.median(b1[i]),
                    ZooLatency.min(b1[i]), ZooLatency.max(b1[i]), m, ZooLatency.min(b128[i]), ZooLatency.max(b128[i]),
                    Files.size(Path.of(args[i + 1])), base / m);
        }
    }
}
