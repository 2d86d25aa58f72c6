package dev.condense.cli;

import dev.condense.engine.codec.CodecException;
import dev.condense.engine.data.CorruptDataException;
import dev.condense.engine.data.DataUnavailableException;
import dev.condense.engine.onnx.OnnxFormatException;
import dev.condense.engine.text.Quote;
import dev.condense.engine.train.TrainingDivergedException;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.run.PluginFailureException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Maps failures to a one-line message on stderr and an exit code: 2 for bad input (recipe, model file), 1 for a
 * failed run. Every message passes {@link Quote#message} (control characters escaped, cut past 2,000 characters) as a
 * last net behind the per-value cuts. Stack traces only with {@code CONDENSE_DEBUG=1}.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        return report(ex, cmd.getErr());
    }

    /** Prints {@code ex} as one line on {@code err} (a stack trace too with CONDENSE_DEBUG=1); returns the exit code. */
    static int report(Exception ex, java.io.PrintWriter err) {
        int code;
        if (ex instanceof RecipeException r) {
            err.println("error: " + Quote.message(r.toString()));
            code = BAD_INPUT;
        } else if (ex instanceof OnnxFormatException) {
            err.println("error: invalid model: " + Quote.message(ex.getMessage()));
            code = BAD_INPUT;
        } else if (ex instanceof CodecException) {
            err.println("error: invalid container: " + Quote.message(ex.getMessage()));
            code = BAD_INPUT;
        } else if (ex instanceof PluginFailureException || ex instanceof DataUnavailableException
                || ex instanceof CorruptDataException || ex instanceof TrainingDivergedException) {
            err.println("error: " + Quote.message(ex.getMessage()));
            code = FAILED;
        } else {
            err.println("error: the run failed: " + Quote.message(String.valueOf(ex)));
            code = FAILED;
        }
        if (code == FAILED) {
            dev.condense.cli.log.LibraryLog.get().commandLog().ifPresent(log -> err.println("library log: " + log));
        }
        if ("1".equals(System.getenv("CONDENSE_DEBUG"))) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
