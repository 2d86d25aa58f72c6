package dev.condense.cli;

import dev.condense.cli.log.LibraryLog;
import dev.condense.engine.data.DataOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * Entry point of the {@code condense} command. Exit codes: 0 success, 2 bad usage or bad input (picocli's
 * parameter errors), 1 anything else.
 */
@Command(name = "condense", mixinStandardHelpOptions = true, versionProvider = CondenseMain.Version.class,
        description = "Compresses trained neural networks with recipes of pluggable techniques.",
        subcommands = {RunCommand.class, WatchCommand.class, ValidateCommand.class, InspectCommand.class, DecodeCommand.class,
                PluginsCommand.class,
                SchemaCommand.class},
        footerHeading = "%nLogging:%n",
        footer = {"Library logging (PF4J, ND4J, ONNX Runtime) stays off the console: a run writes it to condense.log in"
                + " its output directory, and every command to <cache>/logs/<command>.log ($CONDENSE_CACHE, else"
                + " ~/.cache/condense). --verbose also prints it on stderr.%n"},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:success", "1:the run failed (a plugin threw, data unavailable, I/O)",
                "2:bad input (recipe, model file, options)"})
public final class CondenseMain implements Runnable {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Also show library logging (PF4J, ND4J, ONNX Runtime) on stderr. It is always written to "
                    + "the run's condense.log and to <cache>/logs/<command>.log (cache: $CONDENSE_CACHE, else "
                    + "~/.cache/condense).")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int run(String... args) {
        LibraryLog.install();
        CommandLine cli = new CommandLine(new CondenseMain()).setExecutionExceptionHandler(new ErrorReporter());
        cli.setExecutionStrategy(parsed -> {
            String command = commandName(parsed);
            LibraryLog.get().configure(verbose(parsed), System.err, DataOptions.defaultCacheDir().resolve("logs")
                    .resolve(command + ".log"), "condense " + String.join(" ", args));
            return new CommandLine.RunLast().execute(parsed);
        });
        try {
            return cli.execute(args);
        } finally {
            LibraryLog.get().shutdown();
        }
    }

    /** True when {@code --verbose} was given at any level of the command line. */
    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** The sub-command path joined by '-', e.g. {@code plugins-list}; {@code condense} for none. */
    private static String commandName(ParseResult parsed) {
        StringBuilder name = new StringBuilder();
        for (ParseResult p = parsed.subcommand(); p != null; p = p.subcommand()) {
            name.append(name.length() == 0 ? "" : "-").append(p.commandSpec().name());
        }
        return name.length() == 0 ? "condense" : name.toString();
    }

    /** With no sub-command, prints the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the version filtered into {@code version.properties} at build time. */
    static final class Version implements CommandLine.IVersionProvider {

        static String version() {
            Properties props = new Properties();
            try (InputStream in = CondenseMain.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    throw new IllegalStateException("version.properties is missing from the condense-cli jar");
                }
                props.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return props.getProperty("version");
        }

        @Override
        public String[] getVersion() {
            return new String[] {"condense " + version(), "BLAS: " + dev.condense.engine.blas.OpenBlasProbe.current().describe(),
                "CPU: " + dev.condense.engine.runtime.CpuPlacement.current().describe()};
        }
    }
}
