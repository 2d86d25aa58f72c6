package dev.condense.engine.blas;

import java.util.Optional;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Reads which core the loaded OpenBLAS dispatches to. bytedeco's 1.5.7 preset does not map
 * {@code openblas_get_corename}, but a DYNAMIC_ARCH OpenBLAS exports its dispatch table pointer {@code gotoblas}
 * and one table per core ({@code gotoblas_SKYLAKEX}, {@code gotoblas_PRESCOTT}, ...): the core in use is the table
 * whose address {@code gotoblas} holds. Symbols are looked up with JavaCPP's {@link Loader#addressof}, in the same
 * libopenblas.so.0 that ND4J's native library calls.
 */
public final class OpenBlasProbe {

    private static volatile BlasCore cached;

    private OpenBlasProbe() {
    }

    /** The BLAS in use in this process (loads OpenBLAS if ND4J has not yet). Never throws; "unknown" fields instead. */
    public static BlasCore current() {
        BlasCore c = cached;
        if (c == null) {
            c = probe();
            cached = c;
        }
        return c;
    }

    private static BlasCore probe() {
        String version = openblas_nolapack.OPENBLAS_VERSION.trim().replaceFirst("^OpenBLAS\\s*", "");
        int cpuLevel = CpuFeatures.current().map(CpuFeatures::level).orElse(0);
        Optional<String> requested = Optional.ofNullable(System.getenv("OPENBLAS_CORETYPE"));
        return new BlasCore("OpenBLAS", version, coreInUse(), cpuLevel, requested);
    }

    private static String coreInUse() {
        try {
            Loader.load(openblas_nolapack.class);
            Pointer table = Loader.addressof("gotoblas");
            if (table == null) {
                return "unknown";
            }
            long inUse = new LongPointer(table).get();
            for (String name : BlasCore.CORE_LEVELS.keySet()) {
                Pointer p = Loader.addressof("gotoblas_" + name.toUpperCase(java.util.Locale.ROOT));
                if (p != null && p.address() == inUse) {
                    return name;
                }
            }
            return "unknown";
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
    }
}
