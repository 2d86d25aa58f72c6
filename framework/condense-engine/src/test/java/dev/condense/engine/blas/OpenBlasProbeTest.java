package dev.condense.engine.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GEMM on the OpenBLAS core this JVM runs (surefire sets OPENBLAS_CORETYPE by the launcher's rule) against a plain
 * double-precision reference, through ND4J's mmul and through cblas_sgemm of the same libopenblas, and the probe's
 * reading of that core.
 */
class OpenBlasProbeTest {

    /** Planted [rows, cols] matrix with entries in [-1, 1), seeded. */
    private static float[] planted(int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] a = new float[rows * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    /** C = A B in double, row-major; A [m, k], B [k, n]. */
    private static double[] reference(float[] a, float[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double aip = a[i * k + p];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += aip * b[p * n + j];
                }
            }
        }
        return c;
    }

    /** Every entry within float rounding of a k-term dot product of unit-range values: 1e-5 * k absolute. */
    private static void assertClose(double[] expected, float[] actual, int k, String what) {
        double tol = 1e-5 * k;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tol, what + ": max |error| " + worst + " > " + tol + " on core " + OpenBlasProbe.current().core());
    }

    @Test
    void nd4jMatmulOnTheChosenCoreMatchesAPlainReference() {
        int m = 128, k = 784, n = 300;   // LeNet-300-100's first layer at batch 128
        float[] a = planted(m, k, 19);
        float[] b = planted(k, n, 20);
        INDArray c = Nd4j.create(a, new long[] {m, k}, DataType.FLOAT).mmul(Nd4j.create(b, new long[] {k, n}, DataType.FLOAT));
        assertClose(reference(a, b, m, k, n), c.data().asFloat(), k, "ND4J mmul");
        // Transposed operand and an odd shape take other kernel paths (packing, edge tiles).
        int m2 = 37, k2 = 61, n2 = 29;
        float[] a2 = planted(k2, m2, 21);   // stored [k2, m2], used transposed
        float[] b2 = planted(k2, n2, 22);
        INDArray c2 = Nd4j.create(a2, new long[] {k2, m2}, DataType.FLOAT).transpose()
                .mmul(Nd4j.create(b2, new long[] {k2, n2}, DataType.FLOAT));
        float[] a2t = Nd4j.create(a2, new long[] {k2, m2}, DataType.FLOAT).transpose().dup('c').data().asFloat();
        assertClose(reference(a2t, b2, m2, k2, n2), c2.dup('c').data().asFloat(), k2, "ND4J mmul, transposed A");
    }

    @Test
    void cblasSgemmOfTheLoadedLibraryMatchesAPlainReference() {
        int m = 128, k = 784, n = 300;
        float[] a = planted(m, k, 23);
        float[] b = planted(k, n, 24);
        Nd4j.create(1);   // ND4J loads libopenblas first, as in a run
        FloatPointer pa = new FloatPointer(a), pb = new FloatPointer(b), pc = new FloatPointer(m * n);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasNoTrans, m, n, k, 1f, pa, k, pb, n, 0f, pc, n);
        float[] c = new float[m * n];
        pc.get(c);
        assertClose(reference(a, b, m, k, n), c, k, "cblas_sgemm");
    }

    /** The root pom's blas-core execution: on a CPU the launcher picks a core for, the test JVM has one set. */
    @Test
    void surefireSetsTheLaunchersCoreWhereThereIsOne() {
        CpuFeatures.current().flatMap(CpuFeatures::launcherCore).ifPresent(core -> {
            String set = System.getenv("OPENBLAS_CORETYPE");
            assertTrue(set != null && !set.isEmpty(), "OPENBLAS_CORETYPE not set in the test JVM; the launcher would use "
                    + core);
        });
    }

    @Test
    void probeReadsTheCoreThatOpenBlasCoretypeAskedFor() {
        Nd4j.create(1);
        BlasCore blas = OpenBlasProbe.current();
        assertEquals("OpenBLAS", blas.library());
        assertTrue(blas.version().matches("\\d+\\.\\d+\\.\\d+.*"), blas.version());
        assertNotEquals("unknown", blas.core(), "the dispatch table in use matched no known core");
        String requested = System.getenv("OPENBLAS_CORETYPE");
        if (requested != null && BlasCore.CORE_LEVELS.keySet().stream().anyMatch(c -> c.equalsIgnoreCase(requested))) {
            assertEquals(requested.toLowerCase(Locale.ROOT), blas.core().toLowerCase(Locale.ROOT));
            assertTrue(blas.describe().contains("OPENBLAS_CORETYPE=" + requested), blas.describe());
        }
    }

    /**
     * Double-precision LAPACK on the chosen core: a Cholesky solve ({@code dposv}, r = 32 with 300 right-hand sides,
     * the size of an ALS step) and a symmetric eigendecomposition ({@code dsyevd}, n = 128, a Tucker HOSVD Gram
     * matrix). OpenBLAS 0.3.19's SkylakeX and Cooperlake cores failed both here (residuals 1e2-1e6 and ~10), which is
     * why the launcher no longer picks them.
     */
    @Test
    void doublePrecisionLapackOnTheChosenCoreIsCorrect() {
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(5);
        int r = 32;
        int k = 300;
        INDArray m = Nd4j.randn(rng, new long[] {r, 3 * r}).castTo(DataType.DOUBLE);
        INDArray a = m.mmul(m.transpose()).addi(Nd4j.eye(r).castTo(DataType.DOUBLE).muli(0.01));
        INDArray b = Nd4j.randn(rng, new long[] {r, k}).castTo(DataType.DOUBLE);
        double[] av = a.dup('c').data().asDouble();
        double[] bv = b.dup('c').data().asDouble();
        int info = org.bytedeco.openblas.global.openblas.LAPACKE_dposv(org.bytedeco.openblas.global.openblas
                .LAPACK_ROW_MAJOR, (byte) 'U', r, k, av, r, bv, k);
        assertEquals(0, info, "dposv info");
        double residual = a.mmul(Nd4j.create(bv, new long[] {r, k}, 'c')).subi(b).norm2Number().doubleValue()
                / b.norm2Number().doubleValue();
        String core = OpenBlasProbe.current().core();
        assertTrue(residual < 1e-10, "dposv relative residual " + residual + " on core " + core);

        int n = 128;
        INDArray g = Nd4j.randn(rng, new long[] {n, n}).castTo(DataType.DOUBLE);
        INDArray sym = g.mmul(g.transpose());
        double[] q = sym.dup('c').data().asDouble();
        double[] w = new double[n];
        info = org.bytedeco.openblas.global.openblas.LAPACKE_dsyevd(org.bytedeco.openblas.global.openblas
                .LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', n, q, n, w);
        assertEquals(0, info, "dsyevd info");
        INDArray vectors = Nd4j.create(q, new long[] {n, n}, 'c');
        INDArray back = vectors.mmul(Nd4j.diag(Nd4j.createFromArray(w))).mmul(vectors.transpose());
        double error = back.subi(sym).norm2Number().doubleValue() / sym.norm2Number().doubleValue();
        assertTrue(error < 1e-10, "dsyevd relative reconstruction error " + error + " on core " + core);
    }
}
