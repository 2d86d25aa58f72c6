package dev.condense.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.engine.fixtures.TinyMlp;
import dev.condense.engine.onnx.OnnxExporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mechanism only (what is counted, what is rejected); timings themselves are measured in bench/. */
class InterleavedLatencyTest {

    @TempDir
    Path dir;

    @Test
    void timesEveryPlannedCallOfBothModels() {
        Path a = dir.resolve("a.onnx");
        Path b = dir.resolve("b.onnx");
        new OnnxExporter().write(new TinyMlp(7).graph, a);
        new OnnxExporter().write(new TinyMlp(8).graph, b);
        InterleavedLatency.Result r = InterleavedLatency.measure(a, b, new long[] {2, 1, 4, 4},
                new InterleavedLatency.Plan(1, 5, 3), 1);
        assertTrue(r.cpuBased());
        assertSame(r.cpuTime(), r.ratio());
        for (LatencyComparison c : new LatencyComparison[] {r.wallClock(), r.cpuTime()}) {
            assertEquals(5, c.rounds());
            assertEquals(15, c.reference().runs());
            assertEquals(15, c.model().runs());
            assertTrue(c.speedupMin() > 0 && c.speedupMin() <= c.speedupQ1() && c.speedupQ1() <= c.speedupMedian()
                    && c.speedupMedian() <= c.speedupQ3() && c.speedupQ3() <= c.speedupMax(), c::toString);
        }
        InterleavedLatency.Result two = InterleavedLatency.measure(a, b, new long[] {2, 1, 4, 4},
                new InterleavedLatency.Plan(0, 1, 1), 2);
        assertSame(two.wallClock(), two.ratio(), "with a thread pool the calling thread's CPU time is not the work");
    }

    @Test
    void rejectsSymbolicShapesAndEmptyPlans() {
        Path a = dir.resolve("a.onnx");
        new OnnxExporter().write(new TinyMlp(7).graph, a);
        assertThrows(IllegalArgumentException.class, () -> InterleavedLatency.measure(a, a, new long[] {-1, 1, 4, 4},
                new InterleavedLatency.Plan(0, 1, 1), 1));
        assertThrows(IllegalArgumentException.class, () -> new InterleavedLatency.Plan(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new InterleavedLatency.Plan(-1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new OrtRunner(a, 0));
    }
}
