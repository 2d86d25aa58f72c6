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
    void fastModelsGetMoreCallsPerRound() {
        InterleavedLatency.Plan plan = new InterleavedLatency.Plan(3, 21, 4, 20);
        assertEquals(4, plan.callsFor(25e6));        // 25 ms calls: the plan's 4 already take 100 ms
        assertEquals(25, plan.callsFor(0.8e6));      // 0.8 ms: 25 calls make 20 ms
        assertEquals(InterleavedLatency.MAX_CALLS, plan.callsFor(10e3));
        assertEquals(4, new InterleavedLatency.Plan(3, 21, 4).callsFor(10e3));
        Path a = dir.resolve("a.onnx");
        new OnnxExporter().write(new TinyMlp(7).graph, a);
        // a tiny MLP call takes well under 1 ms, so 1 ms rounds need more than the plan's 2 calls
        InterleavedLatency.Result r = InterleavedLatency.measure(a, a, new long[] {2, 1, 4, 4},
                new InterleavedLatency.Plan(5, 3, 2, 1), 1);
        assertTrue(r.cpuTime().model().runs() > 3 * 2, r.toString());
        assertEquals(r.cpuTime().model().runs(), r.wallClock().reference().runs());
    }

    @Test
    void rejectsSymbolicShapesAndEmptyPlans() {
        Path a = dir.resolve("a.onnx");
        new OnnxExporter().write(new TinyMlp(7).graph, a);
        assertThrows(IllegalArgumentException.class, () -> InterleavedLatency.measure(a, a, new long[] {-1, 1, 4, 4},
                new InterleavedLatency.Plan(0, 1, 1), 1));
        assertThrows(IllegalArgumentException.class, () -> new InterleavedLatency.Plan(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new InterleavedLatency.Plan(-1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new InterleavedLatency.Plan(1, 1, 1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new OrtRunner(a, 0));
    }
}
