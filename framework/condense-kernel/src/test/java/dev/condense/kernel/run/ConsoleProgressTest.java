package dev.condense.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The console lines of {@link ConsoleProgress} without a terminal. */
class ConsoleProgressTest {

    private static String run(int nodes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "train");
        p.preparing(nodes);
        p.prepared(nodes, 12.34);
        p.epochStart(1, 1, 2);
        p.batchDone(0.5);
        p.batchDone(0.25);
        p.epochEnd(1, 1, 0.375, 1000);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aLargeGraphGetsALineBeforeAndAfterPreparation() {
        String n = System.lineSeparator();
        assertEquals("  train: preparing the training graph (20000 nodes)..." + n
                + "  train: training graph ready in 12.3 s" + n
                + "  train epoch 1/1: loss 0.3750, 1000 samples/s" + n, run(20_000));
    }

    @Test
    void aSmallGraphGetsOnlyItsEpochLine() {
        assertEquals("  train epoch 1/1: loss 0.3750, 1000 samples/s" + System.lineSeparator(),
                run(ConsoleProgress.LARGE_GRAPH_NODES - 1));
    }

    @Test
    void aStageTrainingAnotherObjectiveNamesItsLineLabelLoss() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "distill",
                "label loss");
        p.epochStart(2, 3, 1);
        p.batchDone(0.5);
        p.epochEnd(2, 3, 0.5, 250);
        assertEquals("  distill epoch 2/3: label loss 0.5000, 250 samples/s" + System.lineSeparator(),
                bytes.toString(StandardCharsets.UTF_8));
    }
}
