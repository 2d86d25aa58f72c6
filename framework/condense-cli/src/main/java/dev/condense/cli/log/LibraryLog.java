package dev.condense.cli.log;

import dev.condense.kernel.run.RunLog;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Where library logging goes in the {@code condense} command (issue 12: the console shows Condense's own output).
 * A line from a library logger ({@link LibraryLogger}, {@link JulBridge}) is written
 * <ul>
 *   <li>to the command's log file {@code <cache>/logs/<command>.log} ({@code $CONDENSE_CACHE}, else
 *       {@code ~/.cache/condense}), appended to with one {@code ---} header line per invocation and moved to
 *       {@code <command>.log.1} once past 1 MiB;</li>
 *   <li>during a run ({@link RunLog}), also to the run's {@link RunLog#FILE}, which begins with the lines logged
 *       before the run directory existed (plugins loading, ND4J booting: at most {@value #MAX_PENDING} lines);</li>
 *   <li>with {@code --verbose}, also to stderr as {@code [thread] LEVEL logger - message}.</li>
 * </ul>
 * File lines carry the wall-clock time ({@code HH:mm:ss.SSS}); the run's log is therefore not part of its
 * reproducible bytes. A log file that cannot be written is skipped: logging never fails a command and never falls
 * back to the console.
 */
public final class LibraryLog implements RunLog {
    static final int MAX_PENDING = 10_000;
    private static final long ROTATE_BYTES = 1L << 20;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());
    private static final LibraryLog INSTANCE = new LibraryLog();

    private final Deque<String> pending = new ArrayDeque<>();
    private boolean verbose;
    private PrintStream console = System.err;
    private Path commandLog;
    private String header = "condense";
    private Writer commandWriter;
    private boolean commandUnwritable;
    private Writer runWriter;

    LibraryLog() {
    }

    /**
     * Routes the libraries that do not log through SLF4J here too: {@code java.util.logging} (ONNX Runtime's Java
     * API) through {@link JulBridge}, and JavaCPP, whose own logger prints to stderr unless told to use SLF4J.
     * Call before any library class is used.
     */
    public static void install() {
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
            System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        }
        JulBridge.install();
    }

    /** The log of this process. */
    public static LibraryLog get() {
        return INSTANCE;
    }

    /**
     * Set once the command line is parsed, before the command runs.
     *
     * @param verbose    also print library lines on {@code console}
     * @param console    the console for {@code --verbose} (stderr)
     * @param commandLog the command's log file; its directory is created on the first line
     * @param header     what the header line names, e.g. the command line
     */
    public synchronized void configure(boolean verbose, PrintStream console, Path commandLog, String header) {
        this.verbose = verbose;
        this.console = console;
        this.commandLog = commandLog;
        this.header = header;
        for (String line : pending) {
            writeCommand(line);
        }
    }

    /** Logs one record from a library logger. */
    synchronized void log(String level, String logger, String message, Throwable thrown) {
        StringBuilder body = new StringBuilder().append('[').append(Thread.currentThread().getName()).append("] ")
                .append(level).append(' ').append(logger).append(" - ").append(message);
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            body.append(System.lineSeparator()).append(trace.toString().stripTrailing());
        }
        if (verbose) {
            console.println(body);
            console.flush();
        }
        String line = TIME.format(Instant.now()) + " " + body;
        writeCommand(line);
        if (runWriter != null) {
            runWriter = write(runWriter, line);
        } else {
            pending.addLast(line);
            if (pending.size() > MAX_PENDING) {
                pending.removeFirst();
            }
        }
    }

    @Override
    public synchronized void open(Path file) {
        close();
        try {
            runWriter = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            return;
        }
        runWriter = write(runWriter, "--- " + Instant.now() + " " + header);
        while (runWriter != null && !pending.isEmpty()) {
            runWriter = write(runWriter, pending.removeFirst());
        }
    }

    @Override
    public synchronized void close() {
        if (runWriter != null) {
            try {
                runWriter.close();
            } catch (IOException ignored) {
                // the run's log is best effort
            }
            runWriter = null;
        }
    }

    /** Closes the files at the end of the command. */
    public synchronized void shutdown() {
        close();
        if (commandWriter != null) {
            try {
                commandWriter.close();
            } catch (IOException ignored) {
                // best effort
            }
            commandWriter = null;
        }
    }

    /** The command's log file, once a line was written to it. */
    public synchronized Optional<Path> commandLog() {
        return commandWriter != null ? Optional.of(commandLog) : Optional.empty();
    }

    private void writeCommand(String line) {
        if (commandLog == null || commandUnwritable) {
            return;
        }
        if (commandWriter == null) {
            try {
                Files.createDirectories(commandLog.getParent());
                if (Files.isRegularFile(commandLog) && Files.size(commandLog) > ROTATE_BYTES) {
                    Files.move(commandLog, commandLog.resolveSibling(commandLog.getFileName() + ".1"),
                            StandardCopyOption.REPLACE_EXISTING);
                }
                commandWriter = Files.newBufferedWriter(commandLog, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException | RuntimeException e) {
                commandUnwritable = true;
                return;
            }
            commandWriter = write(commandWriter, "--- " + Instant.now() + " " + header + " (pid "
                    + ProcessHandle.current().pid() + ")");
        }
        if (commandWriter != null) {
            commandWriter = write(commandWriter, line);
        }
        commandUnwritable = commandWriter == null;
    }

    /** Writes and flushes one line; returns null (the file is given up) when it cannot be written. */
    private static Writer write(Writer w, String line) {
        try {
            w.write(line);
            w.write(System.lineSeparator());
            w.flush();
            return w;
        } catch (IOException e) {
            try {
                w.close();
            } catch (IOException ignored) {
                // already failing
            }
            return null;
        }
    }
}
