package dev.condense.kernel.run;

import dev.condense.engine.train.TrainingProgress;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress on the console: a progress bar per epoch when stdout is a terminal, otherwise one plain log
 * line per epoch (CI logs and redirected output stay readable). Both end each epoch with its loss and throughput.
 * The loss shown is the one the engine measures on every batch, the cross-entropy of the logits against the rows'
 * labels; a stage that trains on another objective (distillation, step-by-step) names it {@code label loss}, so it
 * is not read as that objective's value.
 * A graph of {@value #LARGE_GRAPH_NODES} nodes or more also gets a line before and after the preparation of its
 * training graph (lowering and gradient function), which precedes the first batch and is long on such graphs.
 */
public final class ConsoleProgress implements TrainingProgress {
    /** Graphs from this many nodes up get a line before and after their (long) training-graph preparation. */
    static final int LARGE_GRAPH_NODES = 1_000;
    private final PrintStream out;
    private final boolean terminal;
    private final String label;
    private final String lossName;
    private ProgressBar bar;

    /**
     * @param out      where to write
     * @param terminal true to draw bars (stdout is an interactive terminal)
     * @param label    what is being trained, e.g. {@code train} or {@code prune 2/3 fine-tune}
     */
    public ConsoleProgress(PrintStream out, boolean terminal, String label) {
        this(out, terminal, label, "loss");
    }

    /**
     * @param lossName what the printed loss is called: {@code loss} when the stage trains on the labels'
     *                 cross-entropy, {@code label loss} when it trains on another objective
     */
    public ConsoleProgress(PrintStream out, boolean terminal, String label, String lossName) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
        this.lossName = lossName;
    }

    /** True when the JVM's stdout is attached to an interactive terminal. */
    public static boolean stdoutIsTerminal() {
        return System.console() != null && System.getenv("CI") == null;
    }

    @Override
    public void preparing(int nodes) {
        if (nodes >= LARGE_GRAPH_NODES) {
            out.printf(Locale.ROOT, "  %s: preparing the training graph (%d nodes)...%n", label, nodes);
        }
    }

    @Override
    public void prepared(int nodes, double seconds) {
        if (nodes >= LARGE_GRAPH_NODES) {
            out.printf(Locale.ROOT, "  %s: training graph ready in %.1f s%n", label, seconds);
        }
    }

    @Override
    public void epochStart(int epoch, int epochs, int batches) {
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(label + " epoch " + epoch + "/" + epochs).setInitialMax(batches)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out))
                    .setUpdateIntervalMillis(200).continuousUpdate().build();
        }
    }

    @Override
    public void batchDone(double loss) {
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(String.format(Locale.ROOT, "%s %.4f", lossName, loss));
        }
    }

    @Override
    public void epochEnd(int epoch, int epochs, double meanLoss, double samplesPerSec) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        out.printf(Locale.ROOT, "  %s epoch %d/%d: %s %.4f, %.0f samples/s%n", label, epoch, epochs, lossName, meanLoss,
                samplesPerSec);
    }
}
