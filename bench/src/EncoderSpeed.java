import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.nlp.EncoderLayers;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Issue 18, must-show 2: latency of a 2-layer student against the 6-layer teacher in ONNX Runtime at batch 32,
 * sequence 64. Both are all-MiniLM-L6-v2 imported at sequence length LENGTH; the student keeps teacher layers 2 and
 * 5 (TinyBERT's uniform mapping, {@link EncoderLayers#keep}), embeddings shared; both written by the exporter.
 * Timing: one intra-op thread, sequential, all graph optimizations; the same seeded token ids (mask all 1, types 0);
 * 5 warm-up calls each, then ROUNDS rounds of CALLS calls alternating call by call (A, B, A, B; odd rounds start with
 * B); per call the calling thread's CPU time. Prints per-model medians and the median, quartiles of per-round ratios
 * (teacher / student). Args: MODEL_DIR [BATCH [LENGTH [ROUNDS [CALLS]]]], defaults 32 64 15 4.
 */
public class EncoderSpeed {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        int batch = a.length > 1 ? Integer.parseInt(a[1]) : 32;
        long length = a.length > 2 ? Long.parseLong(a[2]) : 64;
        int rounds = a.length > 3 ? Integer.parseInt(a[3]) : 15;
        int calls = a.length > 4 ? Integer.parseInt(a[4]) : 4;
        ModelGraph teacher = new OnnxImporter().withDimensions(Map.of("sequence_length", length))
                .read(dir.resolve("all-minilm-l6-v2.onnx"));
        ModelGraph student = EncoderLayers.keep(teacher, 2, 5);
        Path work = Files.createTempDirectory("encoder-speed");
        Path tf = work.resolve("teacher.onnx");
        Path sf = work.resolve("student.onnx");
        new OnnxExporter().write(teacher, tf);
        new OnnxExporter().write(student, sf);
        System.out.printf("teacher %d layers %d nodes %d bytes; student %d layers %d nodes %d bytes%n",
                EncoderLayers.count(teacher), teacher.nodes().size(), Files.size(tf), EncoderLayers.count(student),
                student.nodes().size(), Files.size(sf));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(1);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        long[] shape = {batch, length};
        long[] ids = new long[(int) (batch * length)];
        SplittableRandom r = new SplittableRandom(7);
        Arrays.setAll(ids, i -> i % length == 0 ? 101 : 1000 + r.nextInt(29000));
        long[] ones = new long[ids.length];
        Arrays.fill(ones, 1);
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
        in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape));
        in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (OrtSession t = env.createSession(tf.toString(), o); OrtSession s = env.createSession(sf.toString(), o)) {
            for (int i = 0; i < 5; i++) {
                t.run(in).close();
                s.run(in).close();
            }
            double[] tc = new double[rounds * calls];
            double[] sc = new double[rounds * calls];
            double[] ratios = new double[rounds];
            for (int k = 0; k < rounds; k++) {
                double[] rt = new double[calls];
                double[] rs = new double[calls];
                for (int c = 0; c < calls; c++) {
                    boolean teacherFirst = k % 2 == 0;
                    for (int side = 0; side < 2; side++) {
                        boolean isTeacher = (side == 0) == teacherFirst;
                        long c0 = mx.getCurrentThreadCpuTime();
                        (isTeacher ? t : s).run(in).close();
                        double ms = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                        (isTeacher ? rt : rs)[c] = ms;
                    }
                }
                System.arraycopy(rt, 0, tc, k * calls, calls);
                System.arraycopy(rs, 0, sc, k * calls, calls);
                ratios[k] = median(rt) / median(rs);
            }
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            System.out.printf("batch %d, sequence %d, 1 thread, CPU time per call: teacher median %.2f ms, student "
                    + "median %.2f ms; speed-up (median of %d per-round ratios) %.2fx, Q1 %.2f, Q3 %.2f (load %s)%n",
                    batch, length, median(tc), median(sc), rounds, median(ratios), sorted[rounds / 4],
                    sorted[(3 * rounds) / 4], Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
