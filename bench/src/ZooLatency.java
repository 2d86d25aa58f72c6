import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.LatencyStats;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ONNX Runtime inference latency of exported zoo models: args [REPEATS] [MODEL...] (default 5 repeats, all models).
 * Each model is exported (seed 1) and timed REPEATS times at batch 1 (50 warm-up, 200 timed calls) and batch 128
 * (5 warm-up, 30 timed calls); prints the median over repeats of each run's median, and the range.
 */
public class ZooLatency {
    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String[] models = args.length > 1 ? java.util.Arrays.copyOfRange(args, 1, args.length)
                : Zoo.ids().toArray(String[]::new);
        Path dir = Files.createTempDirectory("zoo-latency");
        for (String id : models) {
            Path file = dir.resolve(id + ".onnx");
            new OnnxExporter().write(Zoo.build(id, 1), file);
            double[] b1 = new double[repeats];
            double[] b128 = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                b1[r] = OrtRunner.latency(file, new long[] {1, 1, 28, 28}, 50, 200).medianMillis();
                b128[r] = OrtRunner.latency(file, new long[] {128, 1, 28, 28}, 5, 30).medianMillis();
            }
            System.out.printf("%s: batch 1 median %.3f ms (runs %.3f-%.3f), batch 128 median %.2f ms (runs %.2f-%.2f), %d bytes%n",
                    id, median(b1), min(b1), max(b1), median(b128), min(b128), max(b128), Files.size(file));
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(Double.NaN);
    }
}
