package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's CPU placement (bin/condense-cpu) as {@code condense --version} reports it from inside the JVM: a CPU
 * the user names is used, {@code CONDENSE_CPU=off} and more than one OpenMP thread leave the JVM unpinned, and by
 * default a JVM on a machine with several CPUs runs on exactly one, not one other processes are pinned to.
 */
class LauncherPlacementTest {
    @TempDir
    Path dir;

    private String cpuLine(Map<String, String> env) throws Exception {
        Cli.Result r = Cli.run(dir, env, "--version");
        assertEquals(0, r.exit(), r.out());
        return r.out().lines().filter(l -> l.startsWith("CPU: ")).findFirst().orElseThrow(() -> new AssertionError(
                "no CPU line in " + r.out()));
    }

    /** Two or more CPUs online, all of them allowed to this test JVM (so not restricted already), and taskset. */
    private static boolean canPin() throws Exception {
        Path online = Path.of("/sys/devices/system/cpu/online");
        if (!Files.isReadable(online) || !Files.isExecutable(Path.of("/usr/bin/taskset"))) {
            return false;
        }
        int count = 0;
        for (String part : Files.readString(online).trim().split(",")) {
            String[] r = part.split("-");
            count += r.length == 2 ? Integer.parseInt(r[1]) - Integer.parseInt(r[0]) + 1 : 1;
        }
        return count > 1 && Runtime.getRuntime().availableProcessors() == count;
    }

    @Test
    void aCpuTheUserNamesIsUsed() throws Exception {
        assumeTrue(canPin(), "needs taskset and two CPUs");
        assertTrue(cpuLine(Map.of("CONDENSE_CPU", "0")).startsWith("CPU: pinned to CPU 0 by the launcher (CPUs 0;"));
    }

    @Test
    void offAndSeveralThreadsLeaveTheJvmUnpinned() throws Exception {
        assertTrue(cpuLine(Map.of("CONDENSE_CPU", "off")).startsWith("CPU: not pinned by the launcher"));
        assertTrue(cpuLine(Map.of("OMP_NUM_THREADS", "2", "CONDENSE_CPU", "")).startsWith("CPU: not pinned by the launcher"));
    }

    /**
     * A CPU other processes are pinned to is not chosen while another CPU has none (two Condense runs at once took the
     * same CPU before: the fifteenth session). Three pinned {@code sleep}s on CPU 0 outweigh anything else pinned.
     */
    @Test
    void aCpuOthersArePinnedToIsLeftToThem() throws Exception {
        assumeTrue(canPin(), "needs taskset and two CPUs");
        java.util.List<Process> sleepers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                sleepers.add(new ProcessBuilder("taskset", "-c", "0", "sleep", "120").start());
            }
            Thread.sleep(200);   // let each sleep take its affinity
            String line = cpuLine(Map.of("CONDENSE_CPU", ""));
            assertTrue(line.matches("CPU: pinned to CPU (\\d+) by the launcher.*") && !line.startsWith(
                    "CPU: pinned to CPU 0 "), line);
        } finally {
            sleepers.forEach(Process::destroy);
        }
    }

    @Test
    void byDefaultOneCpu() throws Exception {
        assumeTrue(canPin(), "needs taskset and two CPUs");
        String line = cpuLine(Map.of("CONDENSE_CPU", "")); // empty: the launcher chooses (Cli sets off)
        assertTrue(line.matches("CPU: pinned to CPU (\\d+) by the launcher \\(CPUs \\1;.*"), line);
    }
}
