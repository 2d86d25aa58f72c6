package dev.condense.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of the {@code condense} command. Exit codes: 0 success, 2 bad usage or bad input (picocli's
 * parameter errors), 1 anything else.
 */
@Command(name = "condense", mixinStandardHelpOptions = true, versionProvider = CondenseMain.Version.class,
        description = "Compresses trained neural networks with recipes of pluggable techniques.",
        subcommands = {RunCommand.class, WatchCommand.class, ValidateCommand.class, InspectCommand.class, PluginsCommand.class,
                SchemaCommand.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:success", "1:the run failed (a plugin threw, data unavailable, I/O)",
                "2:bad input (recipe, model file, options)"})
public final class CondenseMain implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int run(String... args) {
        return new CommandLine(new CondenseMain()).setExecutionExceptionHandler(new ErrorReporter()).execute(args);
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
            return new String[] {"condense " + version()};
        }
    }
}
