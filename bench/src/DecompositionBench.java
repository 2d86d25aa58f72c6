import dev.condense.api.decomp.Decomposition;
import dev.condense.api.decomp.Factorization;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Issue 16: the decomposition plugins of the built distribution against bench/decomp_reference.py (numpy) on the same
 * tensors (the .f32 files that script writes): truncated SVD of a 512x512 matrix at rank 64 (decomp-svd), Tucker-2 of
 * a 256x256x3x3 kernel at ranks (64, 64) (decomp-tucker2: HOSVD then at most 10 HOOI sweeps) and, when the plugin is
 * built, CP-ALS of a 64x64x3x3 kernel at rank 32 (decomp-cp: 50 sweeps, from SEEDS random starts, seeds 0..SEEDS-1,
 * one line each). Each timed REPEATS times after one warm-up: median wall seconds and median CPU seconds of the calling
 * thread and of the whole process (JIT, GC and ND4J's deallocator threads included; a loaded machine distorts CPU
 * time less than wall time); the relative Frobenius error of the reconstruction. One JSON line per
 * decomposition (and seed). Args: DIR [REPEATS [PLUGINS [SEEDS]]].
 * Usage: bench/decomp-reference.sh [REPEATS [SEEDS]] (runs both). Results: docs/benchmarks.md, "Issue 16: conv
 * factorizations (tucker stream, tenth session)".
 */
public class DecompositionBench {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path plugins = Path.of(args.length > 2 ? args[2] : "distribution/target/condense-0.1.0/plugins");
        run("svd", plugins.resolve("decomp-svd.zip"), "dev.condense.plugin.decomp.svd.SvdDecomposition",
                read(dir.resolve("svd.f32"), 512, 512), new long[] {64}, repeats);
        run("tucker2", plugins.resolve("decomp-tucker2.zip"), "dev.condense.plugin.decomp.tucker2.Tucker2Decomposition",
                read(dir.resolve("tucker2.f32"), 256, 256, 3, 3), new long[] {64, 64}, repeats);
        int seeds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        for (int seed = 0; seed < seeds; seed++) {
            run("cp", plugins.resolve("decomp-cp.zip"), "dev.condense.plugin.decomp.cp.CpDecomposition",
                    read(dir.resolve("cp.f32"), 64, 64, 3, 3), new long[] {32}, repeats, 32, 50, (long) seed);
        }
    }

    static INDArray read(Path file, long... shape) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return Nd4j.create(v, shape, 'c');
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void run(String name, Path zip, String cls, INDArray w, long[] ranks, int repeats, Object... given)
            throws Exception {
        Decomposition d = (Decomposition) load(zip).loadClass(cls).getDeclaredConstructor().newInstance();
        Constructor<?> c = d.paramsType().getDeclaredConstructors()[0];
        Object[] args = new Object[c.getParameterCount()];
        Record params;
        if (given.length > 0) {
            params = (Record) c.newInstance(given); // every component given (cp: rank, sweeps, seed)
        } else {
            Record base;
            try {
                base = (Record) c.newInstance(args); // all defaults, when the params allow that
            } catch (java.lang.reflect.InvocationTargetException e) {
                args[0] = 1; // else a rank of 1 as the first component; withRanks replaces the rank rule
                base = (Record) c.newInstance(args);
            }
            params = d.withRanks(base, ranks);
        }
        d.decompose(w, params); // warm-up
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Double> seconds = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> processCpu = new ArrayList<>();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Factorization f = null;
        for (int i = 0; i < repeats; i++) {
            long t = System.nanoTime();
            long u = threads.getCurrentThreadCpuTime();
            long v = os.getProcessCpuTime();
            f = d.decompose(w, params);
            seconds.add((System.nanoTime() - t) / 1e9);
            cpu.add((threads.getCurrentThreadCpuTime() - u) / 1e9);
            processCpu.add((os.getProcessCpuTime() - v) / 1e9);
        }
        INDArray back = d.reconstruct(f);
        double rel = back.castTo(DataType.DOUBLE).sub(w.castTo(DataType.DOUBLE)).norm2Number().doubleValue()
                / w.castTo(DataType.DOUBLE).norm2Number().doubleValue();
        double[] s = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] p = cpu.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] q = processCpu.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("{\"name\": \"%s\", \"impl\": \"condense\", \"seconds\": %.4f, \"cpu_seconds\": %.4f,"
                + " \"process_cpu_seconds\": %.4f, \"relative_error\": %.5f, \"params\": \"%s\"}%n", name,
                s[s.length / 2], p[p.length / 2], q[q.length / 2], rel, params);
    }

    /** A class loader over the plugin zip's classes/ (unzipped to a temporary directory), parent-first. */
    static ClassLoader load(Path zip) throws IOException {
        Path out = Files.createTempDirectory("decomp-bench");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path p = out.resolve(e.getName()).normalize();
                if (!p.startsWith(out)) {
                    throw new IOException("bad entry " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(p);
                } else {
                    Files.createDirectories(p.getParent());
                    Files.copy((InputStream) in, p);
                }
            }
        }
        return new URLClassLoader(new URL[] {out.resolve("classes").toUri().toURL()},
                DecompositionBench.class.getClassLoader());
    }
}
