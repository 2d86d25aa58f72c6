import dev.condense.engine.blas.OpenBlasProbe;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Correctness of LAPACK on the OpenBLAS core this JVM runs: relative residuals of a Cholesky solve (dposv, sposv:
 * r x r SPD with k right-hand sides, an ALS step), a symmetric eigendecomposition (dsyevd, ssyevd: n x n Gram
 * matrix, a Tucker HOSVD step) and a thin SVD (dgesdd, sgesdd: n x n/2), seeded. Float64 residuals should be about
 * 1e-15, float32 about 1e-7. Run once per core:
 * {@code for c in Haswell SkylakeX Cooperlake Zen; do OPENBLAS_CORETYPE=$c bench/run.sh LapackCores; done}.
 */
public final class LapackCores {
    public static void main(String[] args) {
        Nd4j.create(1);
        System.out.println("core " + OpenBlasProbe.current().core());
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(1);
        for (int[] s : new int[][] {{8, 100}, {16, 784}, {32, 300}, {64, 64}, {128, 300}}) {
            int r = s[0];
            int k = s[1];
            INDArray m = Nd4j.randn(rng, new long[] {r, 3 * r}).castTo(DataType.DOUBLE);
            INDArray a = m.mmul(m.transpose()).addi(Nd4j.eye(r).castTo(DataType.DOUBLE).muli(0.01));
            INDArray b = Nd4j.randn(rng, new long[] {r, k}).castTo(DataType.DOUBLE);
            double[] av = a.dup('c').data().asDouble();
            double[] bv = b.dup('c').data().asDouble();
            openblas.LAPACKE_dposv(openblas.LAPACK_ROW_MAJOR, (byte) 'U', r, k, av, r, bv, k);
            float[] af = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
            float[] bf = b.castTo(DataType.FLOAT).dup('c').data().asFloat();
            openblas.LAPACKE_sposv(openblas.LAPACK_ROW_MAJOR, (byte) 'U', r, k, af, r, bf, k);
            System.out.printf("posv  r=%-3d k=%-3d  double %.1e  float %.1e%n", r, k,
                    residual(a, Nd4j.create(bv, new long[] {r, k}, 'c'), b),
                    residual(a, Nd4j.create(bf, new long[] {r, k}, 'c').castTo(DataType.DOUBLE), b));
        }
        for (int n : new int[] {32, 64, 128, 256}) {
            INDArray g = Nd4j.randn(rng, new long[] {n, n}).castTo(DataType.DOUBLE);
            INDArray sym = g.mmul(g.transpose());
            double[] q = sym.dup('c').data().asDouble();
            double[] w = new double[n];
            openblas.LAPACKE_dsyevd(openblas.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', n, q, n, w);
            float[] qf = sym.castTo(DataType.FLOAT).dup('c').data().asFloat();
            float[] wf = new float[n];
            openblas.LAPACKE_ssyevd(openblas.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', n, qf, n, wf);
            INDArray x = Nd4j.randn(rng, new long[] {n, n / 2}).castTo(DataType.DOUBLE);
            int h = n / 2;
            double[] xv = x.dup('c').data().asDouble();
            double[] sv = new double[h];
            double[] u = new double[n * h];
            double[] vt = new double[h * h];
            openblas.LAPACKE_dgesdd(openblas.LAPACK_ROW_MAJOR, (byte) 'S', n, h, xv, h, sv, u, h, vt, h);
            float[] xf = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
            float[] sf = new float[h];
            float[] uf = new float[n * h];
            float[] vtf = new float[h * h];
            openblas.LAPACKE_sgesdd(openblas.LAPACK_ROW_MAJOR, (byte) 'S', n, h, xf, h, sf, uf, h, vtf, h);
            System.out.printf("syevd n=%-3d        double %.1e  float %.1e   gesdd %dx%d double %.1e  float %.1e%n", n,
                    eig(Nd4j.create(q, new long[] {n, n}, 'c'), Nd4j.createFromArray(w), sym),
                    eig(Nd4j.create(qf, new long[] {n, n}, 'c').castTo(DataType.DOUBLE),
                            Nd4j.createFromArray(wf).castTo(DataType.DOUBLE), sym), n, h,
                    svd(Nd4j.create(u, new long[] {n, h}, 'c'), Nd4j.createFromArray(sv),
                            Nd4j.create(vt, new long[] {h, h}, 'c'), x),
                    svd(Nd4j.create(uf, new long[] {n, h}, 'c').castTo(DataType.DOUBLE),
                            Nd4j.createFromArray(sf).castTo(DataType.DOUBLE),
                            Nd4j.create(vtf, new long[] {h, h}, 'c').castTo(DataType.DOUBLE), x));
        }
    }

    private static double residual(INDArray a, INDArray x, INDArray b) {
        return a.mmul(x).sub(b).norm2Number().doubleValue() / b.norm2Number().doubleValue();
    }

    private static double eig(INDArray q, INDArray w, INDArray sym) {
        return q.mmul(Nd4j.diag(w)).mmul(q.transpose()).sub(sym).norm2Number().doubleValue()
                / sym.norm2Number().doubleValue();
    }

    private static double svd(INDArray u, INDArray s, INDArray vt, INDArray x) {
        return u.mmul(Nd4j.diag(s)).mmul(vt).sub(x).norm2Number().doubleValue() / x.norm2Number().doubleValue();
    }
}
