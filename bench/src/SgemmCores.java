import dev.condense.engine.blas.OpenBlasProbe;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Single-threaded sgemm 128x784 by 784x300 (LeNet-300-100's first layer at batch 128) through the OpenBLAS Condense
 * loads, per OpenBLAS core. The core is fixed when the library loads, so each core runs in its own child JVM; the
 * cores are interleaved round-robin for ROUNDS rounds (default 5) so machine load hits them alike. Each child times
 * cblas_sgemm and ND4J's mmul (into a preallocated output): 30 warm-up calls, then the median of 15 blocks of 20.
 * Prints per core the median over rounds and the range, and the ratio of the launcher's choice (the
 * OPENBLAS_CORETYPE bench/run.sh set, "default") to the best core.
 * Usage: bench/run.sh SgemmCores [ROUNDS]
 */
public class SgemmCores {
    static final int M = 128, K = 784, N = 300;
    static final String DETECT = "(OpenBLAS detects)";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child();
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String launcher = System.getenv("OPENBLAS_CORETYPE");
        List<String> cores = new ArrayList<>(List.of("Prescott", "Nehalem", "Sandybridge", "Haswell", "Zen", "SkylakeX",
                "Cooperlake", DETECT));
        Map<String, List<double[]>> times = new LinkedHashMap<>();
        Map<String, String> inUse = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (String core : cores) {
                String[] line = runChild(core).split(" ");
                inUse.put(core, line[0]);
                times.computeIfAbsent(core, c -> new ArrayList<>())
                        .add(new double[] {Double.parseDouble(line[1]), Double.parseDouble(line[2])});
            }
        }
        System.out.printf(Locale.ROOT, "sgemm %dx%dx%d, 1 thread, %d rounds interleaved; launcher's choice: %s%n", M, K,
                N, rounds, launcher == null ? "none (OpenBLAS detects)" : launcher);
        System.out.printf(Locale.ROOT, "%-20s %-12s %-26s %-26s%n", "OPENBLAS_CORETYPE", "core in use",
                "cblas_sgemm ms (min-max)", "ND4J mmul ms (min-max)");
        double best = Double.MAX_VALUE;
        double bestMin = Double.MAX_VALUE;
        Map<String, double[]> med = new LinkedHashMap<>();
        for (String core : cores) {
            double[] c = times.get(core).stream().mapToDouble(t -> t[0]).sorted().toArray();
            double[] n = times.get(core).stream().mapToDouble(t -> t[1]).sorted().toArray();
            med.put(core, new double[] {median(c), median(n), c[0]});
            best = Math.min(best, median(c));
            bestMin = Math.min(bestMin, c[0]);
            System.out.printf(Locale.ROOT, "%-20s %-12s %.3f (%.3f-%.3f)%8s %.3f (%.3f-%.3f)%n", core, inUse.get(core),
                    median(c), c[0], c[c.length - 1], "", median(n), n[0], n[n.length - 1]);
        }
        String chosen = launcher != null && med.containsKey(launcher) ? launcher : DETECT;
        System.out.printf(Locale.ROOT, "Condense's core %s: %.3f ms, %.2fx the best core's %.3f ms%n", chosen,
                med.get(chosen)[0], med.get(chosen)[0] / best, best);
        System.out.printf(Locale.ROOT, "best of rounds (robust to load from other processes): %.3f ms, %.2fx the best"
                + " core's %.3f ms%n", med.get(chosen)[2], med.get(chosen)[2] / bestMin, bestMin);
    }

    static String runChild(String core) throws Exception {
        String java = System.getProperty("java.home") + "/bin/java";
        List<String> cmd = new ArrayList<>(List.of(java, "-Dorg.bytedeco.javacpp.platform.extension="
                + System.getProperty("org.bytedeco.javacpp.platform.extension", ""), "-cp",
                System.getProperty("java.class.path"), "SgemmCores", "--child"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        if (core.equals(DETECT)) {
            pb.environment().remove("OPENBLAS_CORETYPE");
        } else {
            pb.environment().put("OPENBLAS_CORETYPE", core);
        }
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        String result = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String l; (l = in.readLine()) != null; ) {
                if (l.startsWith("RESULT ")) {
                    result = l.substring(7);
                }
            }
        }
        if (p.waitFor() != 0 || result == null) {
            throw new IllegalStateException("child for core " + core + " failed");
        }
        return result;
    }

    static void child() {
        Random r = new Random(1);
        float[] a = new float[M * K], b = new float[K * N];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() * 2 - 1;
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() * 2 - 1;
        INDArray na = Nd4j.create(a, new long[] {M, K}, DataType.FLOAT);
        INDArray nb = Nd4j.create(b, new long[] {K, N}, DataType.FLOAT);
        INDArray nc = Nd4j.create(DataType.FLOAT, M, N);
        FloatPointer pa = new FloatPointer(a), pb = new FloatPointer(b), pc = new FloatPointer((long) M * N);
        Runnable cblas = () -> openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                openblas_nolapack.CblasNoTrans, openblas_nolapack.CblasNoTrans, M, N, K, 1f, pa, K, pb, N, 0f, pc, N);
        Runnable nd4j = () -> na.mmuli(nb, nc);
        double tc = time(cblas), tn = time(nd4j);
        System.out.printf(Locale.ROOT, "RESULT %s %.4f %.4f%n", OpenBlasProbe.current().core(), tc, tn);
    }

    /** Median ms per call over 15 blocks of 20 calls, after 30 warm-up calls. */
    static double time(Runnable op) {
        for (int i = 0; i < 30; i++) op.run();
        double[] blocks = new double[15];
        for (int blk = 0; blk < blocks.length; blk++) {
            long t = System.nanoTime();
            for (int i = 0; i < 20; i++) op.run();
            blocks[blk] = (System.nanoTime() - t) / 20e6;
        }
        return median(blocks);
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
