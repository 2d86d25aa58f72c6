package dev.condense.engine.blas;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What BLAS ND4J runs on: the library, its version and the OpenBLAS core (kernel set) in use, compared with what
 * the CPU supports.
 *
 * @param library "OpenBLAS"
 * @param version e.g. "0.3.19"
 * @param core the core in use in OpenBLAS's {@code OPENBLAS_CORETYPE} spelling (e.g. "SkylakeX", "Prescott"), or
 *     "unknown" when it could not be read
 * @param cpuLevel the CPU's vector level (see {@link CpuFeatures#level()}), 0 when unknown
 * @param requested the value of {@code OPENBLAS_CORETYPE} the process started with, or empty
 */
public record BlasCore(String library, String version, String core, int cpuLevel, Optional<String> requested) {

    /** Instruction level of each OpenBLAS x86-64 core's kernels, on {@link CpuFeatures#level()}'s scale. */
    static final Map<String, Integer> CORE_LEVELS = Map.ofEntries(
            Map.entry("Cooperlake", 4), Map.entry("SkylakeX", 4), Map.entry("SapphireRapids", 4),
            Map.entry("Haswell", 3), Map.entry("Zen", 3), Map.entry("Excavator", 3),
            Map.entry("Sandybridge", 2), Map.entry("Bulldozer", 2), Map.entry("Piledriver", 2),
            Map.entry("Steamroller", 2),
            Map.entry("Prescott", 1), Map.entry("Core2", 1), Map.entry("Nehalem", 1), Map.entry("Penryn", 1),
            Map.entry("Dunnington", 1), Map.entry("Atom", 1), Map.entry("Katmai", 1), Map.entry("Coppermine", 1),
            Map.entry("Northwood", 1), Map.entry("Banias", 1), Map.entry("Athlon", 1), Map.entry("Opteron", 1),
            Map.entry("Opteron_SSE3", 1), Map.entry("Barcelona", 1), Map.entry("Bobcat", 1), Map.entry("Nano", 1));

    /**
     * The highest core level this OpenBLAS gets right: 3 (AVX2, Haswell). Its AVX-512 cores (SkylakeX, Cooperlake)
     * return wrong double-precision LAPACK results in 0.3.19 ({@link CpuFeatures#launcherCore()}).
     */
    static final int BEST_CORRECT_LEVEL = 3;

    /**
     * True when the core in use is below the best correct core this CPU supports (a generic fallback such as
     * Prescott, or Sandybridge on an AVX2 CPU).
     */
    public boolean fallback() {
        Integer level = CORE_LEVELS.get(core);
        return level != null && level < Math.min(cpuLevel, BEST_CORRECT_LEVEL);
    }

    /**
     * True when the core in use is one of this OpenBLAS's AVX-512 cores, whose double-precision LAPACK results are
     * wrong in 0.3.19 (chosen by hand through {@code OPENBLAS_CORETYPE}, or detected by OpenBLAS).
     */
    public boolean unsafe() {
        return CORE_LEVELS.getOrDefault(core, 0) > BEST_CORRECT_LEVEL && version.equals("0.3.19");
    }

    /** One line for {@code --version} and reports, e.g. "OpenBLAS 0.3.19, core SkylakeX (OPENBLAS_CORETYPE)". */
    public String describe() {
        String how = requested.isPresent() ? " (OPENBLAS_CORETYPE=" + requested.get() + ")" : " (detected by OpenBLAS)";
        return library + " " + version + ", core " + core + how + (fallback() ? "; " + fallbackNote() : "")
                + (unsafe() ? "; " + unsafeNote() : "");
    }

    /** The note a report carries when {@link #unsafe()}. */
    public String unsafeNote() {
        return "core " + core + " computes wrong double-precision LAPACK results in OpenBLAS " + version
                + " (dposv, dsyevd, dgesdd): set OPENBLAS_CORETYPE=Haswell, as bin/condense does";
    }

    /** The note a report carries when {@link #fallback()}: what the CPU supports and how to choose it. */
    public String fallbackNote() {
        String better = Math.min(cpuLevel, BEST_CORRECT_LEVEL) == 3 ? "Haswell" : "Sandybridge";
        String cost = CORE_LEVELS.getOrDefault(core, 0) == 1
                ? "; SSE kernels run sgemm about 3x slower than AVX2 or AVX-512 ones (docs/benchmarks.md)" : "";
        return String.format(Locale.ROOT, "generic fallback core: this CPU supports %s kernels (run through"
                + " bin/condense, or set OPENBLAS_CORETYPE=%s)%s", better, better, cost);
    }
}
