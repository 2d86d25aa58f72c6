import dev.condense.api.model.ChannelGroup;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.ChannelDependencies;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.rewrite.StructuredRemoval;
import dev.condense.engine.runtime.InterleavedLatency;
import dev.condense.engine.runtime.LatencyComparison;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The vgg-small filter rows of docs/benchmarks.md, re-timed with the evaluate stage's interleaved timer:
 * args [ROUNDS [THREADS [DENSE.onnx PRUNED.onnx]]] (defaults: 41 rounds; 1 and then 2 intra-op threads; THREADS
 * may be a comma-separated list).
 *
 * <p>Without files it builds the two structures of those rows: dense vgg-small (zoo, seed 1: 16/32/32/64 filters)
 * and the same network with half of the filters of b1.conv2 (32 -> 16) and b2.conv2 (64 -> 32) physically removed
 * by {@link StructuredRemoval}, the rewrite the prune stage uses (the upper half of the indices; which half does not
 * change shapes or cost), each exported by the exporter the export stage uses. ONNX Runtime's dense float convs do
 * not branch on weight values, so freshly initialized weights time as the trained ones do. With files it times
 * those instead.
 *
 * <p>Then, for each thread count, at batch 128 and batch 1: {@link InterleavedLatency} with the reference = dense,
 * the model = pruned, ROUNDS rounds of 4 calls each (batch 1: 16 calls), 5 warm-up calls (batch 1: 50), that many
 * intra-op threads for both; prints both medians, the speed-up's median, IQR, range and verdict (with one thread
 * from the calling thread's CPU time and from wall-clock time, with two from wall-clock time, see
 * {@link InterleavedLatency}), and the load average before each thread count and at the end.
 */
public class VggSmallLatency {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 41;
        int[] threadCounts = java.util.Arrays.stream((args.length > 1 ? args[1] : "1,2").split(","))
                .mapToInt(Integer::parseInt).toArray();
        Path dense;
        Path pruned;
        if (args.length > 3) {
            dense = Path.of(args[2]);
            pruned = Path.of(args[3]);
        } else {
            Path dir = Files.createTempDirectory("vgg-small-latency");
            ModelGraph g = Zoo.build("vgg-small", 1);
            dense = dir.resolve("dense.onnx");
            pruned = dir.resolve("pruned.onnx");
            new OnnxExporter().write(g, dense);
            new OnnxExporter().write(halve(g, List.of("b1.conv2", "b2.conv2")), pruned);
        }
        System.out.printf("dense %s (%d bytes), pruned %s (%d bytes); %d rounds%n", dense, Files.size(dense), pruned,
                Files.size(pruned), rounds);
        for (int threads : threadCounts) {
            System.out.printf("%d intra-op thread(s), load %s%n", threads, load());
            for (long batch : new long[] {128, 1}) {
                InterleavedLatency.Plan plan = batch == 1 ? new InterleavedLatency.Plan(50, rounds, 16)
                        : new InterleavedLatency.Plan(5, rounds, 4);
                InterleavedLatency.Result r = InterleavedLatency.measure(dense, pruned, new long[] {batch, 1, 28, 28},
                        plan, threads);
                for (LatencyComparison c : threads == 1 ? List.of(r.cpuTime(), r.wallClock()) : List.of(r.wallClock())) {
                    System.out.printf("  batch %d, %s: dense %.3f ms, pruned %.3f ms (medians of %d calls each);"
                            + " speed-up %.3fx, IQR %.3f-%.3f, range %.3f-%.3f over %d rounds: %s%n", batch,
                            c == r.cpuTime() ? "thread CPU time" : "wall clock", c.reference().medianMillis(),
                            c.model().medianMillis(), c.model().runs(), c.speedupMedian(), c.speedupQ1(),
                            c.speedupQ3(), c.speedupMin(), c.speedupMax(), c.rounds(), c.verdict().text());
                }
            }
        }
        System.out.println("load after: " + load());
    }

    /** {@code g} with the upper half of the output channels of each named conv node removed. */
    static ModelGraph halve(ModelGraph g, List<String> convs) {
        Map<ChannelGroup, long[]> removed = new LinkedHashMap<>();
        for (ChannelGroup group : ChannelDependencies.analyze(g)) {
            if (group.sources().size() == 1 && convs.contains(group.sources().get(0))) {
                removed.put(group, LongStream.range(group.size() / 2, group.size()).toArray());
            }
        }
        if (removed.size() != convs.size()) {
            throw new IllegalStateException("expected channel groups of " + convs + ", found " + removed.keySet());
        }
        return StructuredRemoval.remove(g, removed);
    }

    private static String load() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
