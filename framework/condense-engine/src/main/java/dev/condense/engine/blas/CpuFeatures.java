package dev.condense.engine.blas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The vector instruction level of an x86-64 CPU, from the {@code flags} line of /proc/cpuinfo, and the OpenBLAS core
 * that level supports. Levels: 1 SSE3 and older, 2 AVX, 3 AVX2 with FMA, 4 AVX-512 (F, BW, VL and DQ, as
 * OpenBLAS's SkylakeX kernels require). The same rule is written in shell in bin/condense-blas-core and in Ant in the
 * parent pom (surefire); keep the three in step.
 *
 * @param vendor the {@code vendor_id} (e.g. GenuineIntel, AuthenticAMD), "" when unknown
 * @param flags the CPU flags, lower case
 */
public record CpuFeatures(String vendor, Set<String> flags) {

    /** Reads /proc/cpuinfo; empty on systems without it (not Linux) or when it cannot be read. */
    public static Optional<CpuFeatures> current() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            return Files.isReadable(cpuinfo) ? Optional.of(parse(Files.readString(cpuinfo))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Parses the first processor block of a /proc/cpuinfo text. */
    public static CpuFeatures parse(String cpuinfo) {
        String vendor = "";
        Set<String> flags = Set.of();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("vendor_id") && vendor.isEmpty()) {
                vendor = value;
            } else if (key.equals("flags") && flags.isEmpty()) {
                flags = Arrays.stream(value.split("\\s+")).filter(s -> !s.isEmpty()).map(String::toLowerCase)
                        .collect(Collectors.toUnmodifiableSet());
            }
        }
        return new CpuFeatures(vendor, flags);
    }

    /** 4 for AVX-512 F/BW/VL/DQ, 3 for AVX2 with FMA, 2 for AVX, else 1. */
    public int level() {
        if (flags.containsAll(Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq"))) {
            return 4;
        }
        if (flags.containsAll(Set.of("avx2", "fma"))) {
            return 3;
        }
        return flags.contains("avx") ? 2 : 1;
    }

    /**
     * The core the launcher asks OpenBLAS for on this CPU, or empty to leave OpenBLAS's own detection alone:
     * Haswell at level 4 (any vendor: OpenBLAS 0.3.19 knows neither current Intel Xeons nor AMD Zen 4 and falls
     * back to Prescott or Zen) and at level 3 on Intel (on AMD it detects Zen, AVX2 kernels already). Never
     * SkylakeX or Cooperlake: their AVX-512 kernels in 0.3.19 return wrong double-precision LAPACK results
     * ({@code dposv}, {@code dsyevd}, {@code dgesdd}; measured, docs/benchmarks.md), which the factorization plugins
     * call; their sgemm gain over Haswell was 1.01x on AMD Zen 4 and 1.5x on an AVX-512 Xeon.
     */
    public Optional<String> launcherCore() {
        int level = level();
        if (level == 4) {
            return Optional.of("Haswell");
        }
        return level == 3 && vendor.equals("GenuineIntel") ? Optional.of("Haswell") : Optional.empty();
    }

    /** /proc/cpuinfo flags that decide int8 and float kernel choice, with the names users know them by. */
    private static final java.util.LinkedHashMap<String, String> ISA = new java.util.LinkedHashMap<>();

    static {
        ISA.put("avx2", "AVX2");
        ISA.put("fma", "FMA");
        ISA.put("avx512f", "AVX-512F");
        ISA.put("avx512bw", "AVX-512BW");
        ISA.put("avx512vl", "AVX-512VL");
        ISA.put("avx512dq", "AVX-512DQ");
        ISA.put("avx512_vnni", "AVX-512 VNNI");
        ISA.put("avx_vnni", "AVX-VNNI");
        ISA.put("avx512_bf16", "AVX-512 BF16");
        ISA.put("avx512_fp16", "AVX-512 FP16");
        ISA.put("amx_int8", "AMX-INT8");
        ISA.put("amx_bf16", "AMX-BF16");
    }

    /**
     * The instruction sets of this CPU that decide which kernels ONNX Runtime and OpenBLAS run (int8 speed, and even
     * int8 results, differ between AVX2 and AVX-512 VNNI), in a fixed order, e.g.
     * {@code [AVX2, FMA, AVX-512F, AVX-512BW, AVX-512VL, AVX-512DQ, AVX-512 VNNI, AVX-512 BF16]}.
     */
    public java.util.List<String> instructionSets() {
        return ISA.entrySet().stream().filter(e -> flags.contains(e.getKey())).map(java.util.Map.Entry::getValue)
                .toList();
    }
}
