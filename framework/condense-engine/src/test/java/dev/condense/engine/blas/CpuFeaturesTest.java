package dev.condense.engine.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The launcher's core rule on planted /proc/cpuinfo texts, and the fallback judgement of {@link BlasCore}. */
class CpuFeaturesTest {

    private static String cpuinfo(String vendor, String flags) {
        return "processor\t: 0\nvendor_id\t: " + vendor + "\ncpu family\t: 6\nflags\t\t: " + flags
                + "\n\nprocessor\t: 1\nvendor_id\t: Other\nflags\t\t: sse\n";
    }

    @Test
    void instructionSetsAreNamedInAFixedOrder() {
        CpuFeatures zen4 = CpuFeatures.parse(cpuinfo("AuthenticAMD",
                "sse4_2 avx512_bf16 avx2 fma avx512f avx512dq avx512bw avx512vl avx512_vnni avx"));
        assertEquals(java.util.List.of("AVX2", "FMA", "AVX-512F", "AVX-512BW", "AVX-512VL", "AVX-512DQ", "AVX-512 VNNI",
                "AVX-512 BF16"), zen4.instructionSets());
        assertEquals(java.util.List.of(), CpuFeatures.parse(cpuinfo("GenuineIntel", "sse3 ssse3")).instructionSets());
    }

    @Test
    void avx512XeonGetsHaswellNotTheWrongSkylakeX() {
        CpuFeatures cpu = CpuFeatures.parse(cpuinfo("GenuineIntel",
                "fpu sse sse2 ssse3 sse4_2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni"));
        assertEquals(4, cpu.level());
        assertEquals(Optional.of("Haswell"), cpu.launcherCore());
    }

    @Test
    void avx512WithoutBwIsAnAvx2Cpu() {
        CpuFeatures cpu = CpuFeatures.parse(cpuinfo("GenuineIntel", "avx avx2 fma avx512f avx512cd"));   // Knights Landing
        assertEquals(3, cpu.level());
        assertEquals(Optional.of("Haswell"), cpu.launcherCore());
    }

    @Test
    void amdAvx2IsLeftToOpenBlasAndZen4GetsHaswell() {
        assertEquals(Optional.empty(), CpuFeatures.parse(cpuinfo("AuthenticAMD", "avx avx2 fma")).launcherCore());
        assertEquals(Optional.of("Haswell"), CpuFeatures.parse(cpuinfo("AuthenticAMD",
                "avx avx2 fma avx512f avx512dq avx512ifma avx512cd avx512bw avx512vl avx512_bf16")).launcherCore());
    }

    @Test
    void oldCpuAndMissingFlagsGetNothing() {
        assertEquals(2, CpuFeatures.parse(cpuinfo("GenuineIntel", "sse sse2 avx")).level());
        assertEquals(Optional.empty(), CpuFeatures.parse(cpuinfo("GenuineIntel", "sse sse2 avx")).launcherCore());
        assertEquals(1, CpuFeatures.parse("").level());
    }

    @Test
    void prescottOnAnAvx512CpuIsAFallbackNamedInTheDescription() {
        BlasCore prescott = new BlasCore("OpenBLAS", "0.3.19", "Prescott", 4, Optional.empty());
        assertTrue(prescott.fallback());
        assertTrue(prescott.describe().contains("generic fallback core"), prescott.describe());
        assertTrue(prescott.describe().contains("OPENBLAS_CORETYPE=Haswell"), prescott.describe());
        assertFalse(new BlasCore("OpenBLAS", "0.3.19", "Zen", 4, Optional.empty()).fallback(), "AVX2 is the best"
                + " correct level");
        BlasCore chosen = new BlasCore("OpenBLAS", "0.3.19", "Haswell", 4, Optional.of("Haswell"));
        assertFalse(chosen.fallback());
        assertFalse(chosen.unsafe());
        assertEquals("OpenBLAS 0.3.19, core Haswell (OPENBLAS_CORETYPE=Haswell)", chosen.describe());
        BlasCore skylake = new BlasCore("OpenBLAS", "0.3.19", "SkylakeX", 4, Optional.of("SkylakeX"));
        assertTrue(skylake.unsafe() && !skylake.fallback());
        assertTrue(skylake.describe().contains("wrong double-precision LAPACK results"), skylake.describe());
        assertTrue(new BlasCore("OpenBLAS", "0.3.19", "Sandybridge", 4, Optional.empty()).fallback());
        assertFalse(new BlasCore("OpenBLAS", "0.3.19", "Zen", 3, Optional.empty()).fallback());
        assertFalse(new BlasCore("OpenBLAS", "0.3.19", "unknown", 4, Optional.empty()).fallback());
    }
}
