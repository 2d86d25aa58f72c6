package dev.condense.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.engine.fixtures.TinyMlp;
import dev.condense.engine.onnx.OnnxExporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

class OrtRunnerTest {

    @TempDir
    Path dir;

    @Test
    void exportedMlpMatchesNd4jMath() {
        TinyMlp mlp = new TinyMlp(7);
        Path file = dir.resolve("mlp.onnx");
        new OnnxExporter().write(mlp.graph, file);
        INDArray x = TinyMlp.input(11, 6);
        INDArray expected = mlp.reference(x);
        try (OrtRunner runner = new OrtRunner(file)) {
            INDArray actual = runner.run(x);
            assertArrayEquals(new long[] {6, 3}, actual.shape());
            assertEquals(DataType.FLOAT, actual.dataType());
            assertTrue(expected.equalsWithEps(actual, 1e-5), () -> "ORT " + actual + " vs ND4J " + expected);
        }
    }

    @Test
    void accuracyCountsArgmaxMatchesAcrossBatches() {
        TinyMlp mlp = new TinyMlp(7);
        Path file = dir.resolve("mlp.onnx");
        new OnnxExporter().write(mlp.graph, file);
        INDArray x = TinyMlp.input(13, 10);
        INDArray labels = mlp.reference(x).argMax(1).castTo(DataType.FLOAT);
        // plant 3 wrong labels out of 10: the true class shifted by one
        INDArray wrong = labels.get(NDArrayIndex.interval(0, 3));
        wrong.assign(wrong.add(1).fmod(3));
        assertEquals(0.7, OrtRunner.accuracy(file, new DataSplit(x, labels), 4), 1e-12);
        assertEquals(0.7, OrtRunner.accuracy(file, new DataSplit(x, labels), 10), 1e-12);
    }

    @Test
    void latencyReportsOrderedPercentiles() {
        Path file = dir.resolve("mlp.onnx");
        new OnnxExporter().write(new TinyMlp(7).graph, file);
        LatencyStats stats = OrtRunner.latency(file, new long[] {2, 1, 4, 4}, 2, 9);
        assertEquals(9, stats.runs());
        assertTrue(stats.medianMillis() > 0);
        assertTrue(stats.medianMillis() <= stats.p90Millis());
    }

    @Test
    void percentilesOfPlantedDurations() {
        long[] nanos = {5_000_000, 1_000_000, 3_000_000, 2_000_000, 4_000_000, 6_000_000, 7_000_000, 8_000_000,
            9_000_000, 10_000_000};
        LatencyStats s = LatencyStats.ofNanos(nanos);
        assertEquals(5.5, s.medianMillis(), 1e-9);
        assertEquals(9.0, s.p90Millis(), 1e-9);
    }
}
