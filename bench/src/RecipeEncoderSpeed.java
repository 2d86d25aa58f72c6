import dev.condense.engine.runtime.InterleavedLatency;
import dev.condense.engine.runtime.LatencyComparison;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.nlp.PackedInputs;
import dev.condense.engine.onnx.OnnxImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Issue 18, must-show 2 through the recipe path: two model.onnx files written by `condense run` of text recipes
 * (int64 inputs {@code input_ids, attention_mask, token_type_ids [N, L]} since the sixteenth session, or the packed
 * input {@code packed_inputs [N, 3, L]} of earlier runs; {@code OrtRunner} feeds either from the packed rows), the reference (teacher) against the model (student), timed
 * interleaved in ONNX Runtime by the engine's {@link InterleavedLatency} (one intra-op thread, all graph
 * optimizations; 3 warm-up calls each, then ROUNDS rounds of CALLS calls alternating call by call, odd rounds
 * starting with the student; CPU time of the calling thread). Input: BATCH rows of seeded token ids ([CLS] = 101
 * first, then ids in [1000, 30000)), mask all 1, token types 0, packed as the recipes' data are.
 * Prints both CPU-time medians and the speed-up (teacher / student) as the median of per-round ratios with Q1 and
 * Q3, and the load average before and after. Args: TEACHER.onnx STUDENT.onnx [BATCH [ROUNDS [CALLS]]], defaults 32 21 4.
 */
public class RecipeEncoderSpeed {
    /** L of a packed ({@code [N, 3, L]}) or restored ({@code input_ids [N, L]}, ...) text model. */
    private static long length(ModelGraph g) {
        long[] shape = g.inputs().get(0).shape();
        return shape[shape.length - 1];
    }

    public static void main(String[] a) throws Exception {
        Path teacher = Path.of(a[0]);
        Path student = Path.of(a[1]);
        int batch = a.length > 2 ? Integer.parseInt(a[2]) : 32;
        int rounds = a.length > 3 ? Integer.parseInt(a[3]) : 21;
        int calls = a.length > 4 ? Integer.parseInt(a[4]) : 4;
        ModelGraph t = new OnnxImporter().read(teacher);
        ModelGraph s = new OnnxImporter().read(student);
        long length = length(t);
        if (length(s) != length) {
            throw new IllegalArgumentException("the two models take different sequence lengths");
        }
        System.out.printf("teacher %s: %d nodes, %d bytes; student %s: %d nodes, %d bytes; batch %d, L %d%n", teacher,
                t.nodes().size(), Files.size(teacher), student, s.nodes().size(), Files.size(student), batch, length);
        long[] ids = new long[(int) (batch * length)];
        SplittableRandom r = new SplittableRandom(7);
        java.util.Arrays.setAll(ids, i -> i % length == 0 ? 101 : 1000 + r.nextInt(29000));
        long[] ones = new long[ids.length];
        java.util.Arrays.fill(ones, 1);
        var input = PackedInputs.features(List.of(Nd4j.createFromArray(ids).reshape(batch, length),
                Nd4j.createFromArray(ones).reshape(batch, length), Nd4j.zeros(DataType.INT64, batch, length)));
        String before = MiniLmTeacher.load();
        InterleavedLatency.Result res = InterleavedLatency.measure(teacher, student, input,
                new InterleavedLatency.Plan(3, rounds, calls), 1);
        LatencyComparison c = res.cpuTime();
        System.out.printf("teacher median CPU %.2f ms/call, student %.2f ms/call; speed-up %.3fx (Q1 %.3f, Q3 %.3f,"
                        + " min %.3f, max %.3f, %d rounds of %d calls); wall-clock speed-up %.3fx; load %s -> %s%n",
                c.reference().medianMillis(), c.model().medianMillis(), c.speedupMedian(), c.speedupQ1(),
                c.speedupQ3(), c.speedupMin(), c.speedupMax(), c.rounds(), calls,
                res.wallClock().speedupMedian(), before, MiniLmTeacher.load());
    }
}
