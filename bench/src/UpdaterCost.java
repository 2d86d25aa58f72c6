import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * What one optimizer step over N float weights costs in ND4J (one thread): libnd4j's {@code adam_updater} in place
 * on a flat [1, N] buffer, the same Adam written as ND4J elementwise ops on preallocated buffers, the subtraction
 * {@code w -= update}, a copy, and the allocation of a new [1, N] array ({@code dup}). Median of ROUNDS blocks of 200
 * calls each, after 50 warm-up calls. Args: [N = 266610, LeNet-300-100's parameters] [ROUNDS = 7].
 */
public class UpdaterCost {
    private static double median(Runnable r, int rounds) {
        for (int i = 0; i < 50; i++) {
            r.run();
        }
        double[] ms = new double[rounds];
        for (int k = 0; k < rounds; k++) {
            long t = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                r.run();
            }
            ms[k] = (System.nanoTime() - t) / 200e6;
        }
        java.util.Arrays.sort(ms);
        return ms[rounds / 2];
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 266_610;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        INDArray g = Nd4j.rand(DataType.FLOAT, 1, n).muli(1e-3);
        INDArray w = Nd4j.rand(DataType.FLOAT, 1, n);
        GradientUpdater<?> adam = new Adam(1e-3).instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2L * n), true);
        INDArray u = g.dup();
        INDArray m = Nd4j.zeros(DataType.FLOAT, 1, n);
        INDArray v = Nd4j.zeros(DataType.FLOAT, 1, n);
        INDArray t = Nd4j.zeros(DataType.FLOAT, 1, n);
        System.out.printf(Locale.ROOT, "N = %d floats, one thread, median ms per call%n", n);
        System.out.printf(Locale.ROOT, "adam_updater (libnd4j op, in place)   %.3f%n",
                median(() -> adam.applyUpdater(u.assign(g), 3, 0), rounds));
        System.out.printf(Locale.ROOT, "Adam as 12 ND4J elementwise ops        %.3f%n", median(() -> {
            double epsT = 1e-3 * Math.sqrt(1 - Math.pow(0.999, 4)) / (1 - Math.pow(0.9, 4));
            u.assign(g);
            m.muli(0.9);
            m.addi(t.assign(u).muli(0.1));
            v.muli(0.999);
            v.addi(t.assign(u).muli(u).muli(0.001));
            Transforms.sqrt(u.assign(v), false).addi(1e-8).rdivi(t.assign(m).muli(epsT));
        }, rounds));
        System.out.printf(Locale.ROOT, "  of which sqrt alone                  %.3f%n",
                median(() -> Transforms.sqrt(u.assign(v), false), rounds));
        System.out.printf(Locale.ROOT, "w -= update (subi)                     %.3f%n", median(() -> w.subi(u), rounds));
        System.out.printf(Locale.ROOT, "copy (assign)                          %.3f%n", median(() -> u.assign(g), rounds));
        System.out.printf(Locale.ROOT, "new array (dup)                        %.3f%n", median(() -> g.dup(), rounds));
    }
}
