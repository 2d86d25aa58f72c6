package dev.condense.engine.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where this JVM may run: the CPUs the kernel allows it ({@code Cpus_allowed_list} of {@code /proc/self/status}) and
 * whether the launcher pinned it. {@code bin/condense} and {@code bench/run.sh} pin the JVM to one CPU when it has
 * one compute thread (OMP_NUM_THREADS=1, the default) and nobody restricted it already ({@code bin/condense-cpu}):
 * unpinned, resnet-20-small trained at a quarter of its pinned speed in most runs on a 2-vCPU machine (the compute
 * thread's placement, not its arithmetic; docs/benchmarks.md, issue 19). The launcher names the CPU in
 * {@code CONDENSE_PINNED_CPU}; {@code CONDENSE_CPU=off} turns pinning off, {@code CONDENSE_CPU=N} chooses the CPU.
 *
 * @param allowed    the allowed CPU list as the kernel writes it (e.g. {@code 0-1}), empty where not readable
 * @param pinnedCpu  the CPU the launcher pinned the JVM to, if it did
 */
public record CpuPlacement(Optional<String> allowed, Optional<String> pinnedCpu) {

    /** This JVM's placement. */
    public static CpuPlacement current() {
        Optional<String> allowed = Optional.empty();
        try {
            allowed = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Cpus_allowed_list:")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: nothing to say
        }
        return new CpuPlacement(allowed, Optional.ofNullable(System.getenv("CONDENSE_PINNED_CPU"))
                .filter(s -> !s.isBlank()));
    }

    /** One line for {@code condense --version} and the report's provenance. */
    public String describe() {
        String cpus = allowed.map(a -> "CPUs " + a).orElse("CPUs unknown");
        return pinnedCpu.map(c -> "pinned to CPU " + c + " by the launcher (" + cpus
                + "; CONDENSE_CPU=off not to pin, CONDENSE_CPU=N for another CPU)")
                .orElse("not pinned by the launcher (" + cpus + ")");
    }
}
