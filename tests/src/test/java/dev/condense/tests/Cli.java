package dev.condense.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the assembled distribution's {@code bin/condense} as a subprocess, as a user would. */
final class Cli {
    static final Path DIST = Path.of(System.getProperty("condense.dist", "../distribution/target/condense-0.1.0"))
            .toAbsolutePath().normalize();

    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Cli() {
    }

    static Path launcher() {
        return DIST.resolve("bin/condense");
    }

    /** Runs {@code condense args...} in {@code workDir} with extra environment variables; 10 minutes at most. */
    static Result run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = command(workDir, args);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("condense-out", ".txt");
        Path err = Files.createTempFile("condense-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("condense " + String.join(" ", args) + " did not finish in 10 minutes");
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return r;
    }

    /**
     * Starts {@code condense args...} in {@code workDir} without waiting; its stdout and stderr go to
     * {@code workDir/<name>.out} and {@code <name>.err}.
     */
    static Process start(Path workDir, String name, String... args) throws IOException {
        ProcessBuilder pb = command(workDir, args);
        pb.redirectOutput(workDir.resolve(name + ".out").toFile()).redirectError(workDir.resolve(name + ".err").toFile());
        return pb.start();
    }

    /** {@code bin/condense args...} in {@code workDir}, with a 3 GB heap, plain progress lines (CI set), unpinned. */
    private static ProcessBuilder command(Path workDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().put("CONDENSE_JAVA_OPTS", "-Xmx3g");
        pb.environment().put("CI", "true");
        // Unpinned: these many short runs are mostly JIT warm-up, which a JVM pinned to one CPU does on the same CPU
        // as its main thread. LauncherPlacementTest checks the launcher's own choice (CONDENSE_CPU empty).
        pb.environment().put("CONDENSE_CPU", "off");
        return pb;
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(workDir, Map.of(), args);
    }
}
