import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.graph.ChannelDependencies;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.stats.ModelStats;
import dev.condense.engine.train.ProgressHook;
import dev.condense.engine.train.SameDiffLowering;
import dev.condense.engine.train.Trainer;
import dev.condense.engine.train.TrainingProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cost per node of each phase on a chain graph: input [N,16] -> Gemm to [N,10] -> a chain of OP nodes -> logits.
 * Export, import, shapes, channels, stats and lower are the fastest of three runs each.
 * Args: OP (Identity | Relu | Add) and node counts, e.g. {@code bench/run.sh GraphScaling Relu 2000 20000}.
 * Add adds its own constant [10] (a trainable bias, as the lowering treats Add initializers) to its input. Phases: export (OnnxExporter to a file), import (OnnxImporter),
 * shape inference, channel analysis, stats, lowering (SameDiff training graph), and Trainer.fit on 6 batches of 32
 * synthetic rows: "lower+grad" is fit's time before the first batch (lowering, loss, gradient function), "first
 * step" the first batch (session setup), "step" the median of the remaining batches. Times are per node in
 * microseconds; the last column set is the ratio of the largest count to the smallest.
 */
public class GraphScaling {
    private static final int FEATURES = 16;
    private static final int CLASSES = 10;

    public static void main(String[] args) throws Exception {
        String op = args.length > 0 ? args[0] : "Relu";
        int[] counts = args.length > 1
                ? java.util.Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {2000, 20000};
        run(op, 200); // warm-up: JIT and native library loading out of the measured runs
        String[] phases = {"export", "import", "shapes", "channels", "stats", "lower", "lower+grad", "first step", "step"};
        double[][] perNode = new double[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            perNode[i] = run(op, counts[i]);
            StringBuilder sb = new StringBuilder(String.format("%s x %d:", op, counts[i]));
            for (int p = 0; p < phases.length; p++) {
                sb.append(String.format(" %s %.1f us/node (%.2f s);", phases[p], perNode[i][p],
                        perNode[i][p] * counts[i] / 1e6));
            }
            System.out.println(sb);
        }
        if (counts.length > 1) {
            StringBuilder sb = new StringBuilder(String.format("%s per-node ratio %d/%d:", op,
                    counts[counts.length - 1], counts[0]));
            for (int p = 0; p < phases.length; p++) {
                sb.append(String.format(" %s %.2f;", phases[p], perNode[counts.length - 1][p] / perNode[0][p]));
            }
            System.out.println(sb);
        }
    }

    /** Per-node microseconds of each phase for a chain of {@code n} {@code op} nodes. */
    static double[] run(String op, int n) throws Exception {
        ModelGraph g = chain(op, n);
        Path file = Files.createTempFile("chain-" + op + "-" + n, ".onnx");
        try {
            ModelGraph[] read = new ModelGraph[1];
            long export = best(() -> new OnnxExporter().write(g, file));
            long imp = best(() -> read[0] = new OnnxImporter().read(file));
            long shapes = best(() -> ShapeInference.infer(read[0]));
            long channels = best(() -> ChannelDependencies.analyze(read[0]));
            long stats = best(() -> ModelStats.of(read[0]));
            long lower = best(() -> SameDiffLowering.lower(read[0], true));
            long[] steps = train(read[0]);
            double[] out = new double[9];
            long[] raw = {export, imp, shapes, channels, stats, lower, steps[0], steps[1], steps[2]};
            for (int i = 0; i < raw.length; i++) {
                out[i] = raw[i] / 1e3 / n;
            }
            return out;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The fastest of three runs of {@code phase}, in nanoseconds (a GC pause in one run does not count). */
    private static long best(Runnable phase) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            phase.run();
            min = Math.min(min, System.nanoTime() - t);
        }
        return min;
    }

    /** Nanoseconds: fit start to first batch start, first batch, median of the later batches. */
    private static long[] train(ModelGraph g) {
        int batch = 32;
        int batches = 6;
        Nd4j.getRandom().setSeed(11);
        var features = Nd4j.rand(DataType.FLOAT, batch * batches, FEATURES);
        var labels = Nd4j.arange(batch * batches).castTo(DataType.FLOAT).fmod(CLASSES);
        DataSplit split = new DataSplit(features, labels);
        long[] marks = new long[batches + 1];
        int[] seen = {0};
        long start = System.nanoTime();
        Trainer.fit(g, split, CLASSES, new TrainSpec(1, batch, OptimizerSpec.adam(1e-3), batch * batches), 3,
                Trainer.CROSS_ENTROPY, List.of(new ProgressHook(new TrainingProgress() {
                    public void epochStart(int e, int n, int b) {
                        marks[0] = System.nanoTime();
                    }

                    public void batchDone(double loss) {
                        marks[++seen[0]] = System.nanoTime();
                    }

                    public void epochEnd(int e, int n, double loss, double sps) {
                    }
                })));
        long[] later = new long[batches - 1];
        for (int i = 2; i <= batches; i++) {
            later[i - 2] = marks[i] - marks[i - 1];
        }
        java.util.Arrays.sort(later);
        return new long[] {marks[0] - start, marks[1] - marks[0], later[later.length / 2]};
    }

    /** input [-1,16] -> Gemm(W [10,16], b [10]) -> n nodes of {@code op} (Add: + c_i [10]) -> output [-1,10]. */
    static ModelGraph chain(String op, int n) {
        Nd4j.getRandom().setSeed(7);
        ModelGraph.Builder b = ModelGraph.builder("chain-" + op + "-" + n)
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, FEATURES}))
                .initializer("W", Nd4j.randn(DataType.FLOAT, CLASSES, FEATURES).muli(0.1))
                .initializer("b", Nd4j.zeros(DataType.FLOAT, CLASSES))
                .node(new Node("gemm", "Gemm", List.of("x", "W", "b"), List.of("t0"), Map.of("transB", 1L)));
        for (int i = 1; i <= n; i++) {
            if (op.equals("Add")) {
                b.initializer("c" + i, Nd4j.valueArrayOf(new long[] {CLASSES}, 1e-4f));
            }
            List<String> in = op.equals("Add") ? List.of("t" + (i - 1), "c" + i) : List.of("t" + (i - 1));
            b.node(new Node(op.toLowerCase() + i, op, in, List.of("t" + i), Map.of()));
        }
        return b.output(new ValueInfo("t" + n, ValueInfo.ElementType.FLOAT, new long[] {-1, CLASSES})).build();
    }
}
