import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where ONNX Runtime spends a float model's time, per node: for each file, ORT's optimized graph in node order, then
 * ORT's profiler's kernel time per op type and per node over {@code runs} calls at batch {@code batch} of seeded
 * uniform 1x28x28 images, one intra-op thread, all graph optimizations ({@link Int8CnnProfile#profile}).
 *
 * <p>Usage: {@code PROFILE_NODES=1 bench/run.sh OrtNodeProfile BATCH RUNS FILE.onnx...}.
 */
public class OrtNodeProfile {
    public static void main(String[] args) throws Exception {
        int batch = Integer.parseInt(args[0]);
        int runs = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("ort-node-profile");
        for (int i = 2; i < args.length; i++) {
            Path f = Path.of(args[i]);
            System.out.printf("%n== %s (%d bytes), load %s%n", f, Files.size(f),
                    Files.readString(Path.of("/proc/loadavg")).trim());
            Path copy = dir.resolve("m" + i + ".onnx");
            Files.copy(f, copy);
            Int8CnnProfile.optimized(copy, dir);
            Int8CnnProfile.profile(copy, batch, runs, dir);
        }
    }
}
