package dev.condense.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.api.quant.MinMaxAccumulator;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sensitivity and fallback on a planted model: LeNet-300-100 (seeded weights) whose first layer's weight has one
 * entry 1000x its largest magnitude, on an input pixel that is 0 in every row (so the float model is unchanged by
 * it), quantized static int8 per tensor: that layer's other weights all round to zero. Labels are the float model's
 * own predictions on seeded rows in [0, 1] (float accuracy 100%).
 */
class LayerSensitivityTest {
    private static ModelGraph planted;
    private static List<WeightedLayer> layers;
    private static String sensitive;
    private static DataSplit rows;
    private static LayerSubsets subsets;

    @BeforeAll
    static void plant(@TempDir Path dir) throws Exception {
        ModelGraph g = Zoo.build("lenet-300-100", 3);
        layers = WeightedLayers.stored(g);
        sensitive = layers.get(0).source();
        INDArray w = g.initializers().get(sensitive).dup();
        w.putScalar(0, 0, w.amaxNumber().doubleValue() * 1000);
        planted = g.toBuilder().initializer(sensitive, w).build();
        layers = WeightedLayers.stored(planted);

        long[] shape = planted.inputs().get(0).shape().clone();
        shape[0] = 300;
        INDArray x = Nd4j.getRandomFactory().getNewRandomInstance(11).nextDouble(shape).castTo(DataType.FLOAT);
        x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                .assign(0);
        Path fp = dir.resolve("float.onnx");
        new OnnxExporter().write(planted, fp);
        INDArray labels;
        try (OrtRunner r = new OrtRunner(fp)) {
            labels = r.run(x).argMax(1).castTo(DataType.FLOAT);
        }
        rows = new DataSplit(x, labels);
        QdqPlacement all = QdqPlacement.of(planted, layers);
        Map<String, ClipRange> ranges = ActivationCalibration.calibrate(planted, x, all.tensors(),
                MinMaxAccumulator::new, 128, 8, false);
        subsets = LayerSubsets.ofStatic(planted, layers, ranges, 8, false,
                new StaticQuantization.WeightOptions(8, false, true, false));
    }

    private static List<String> names() {
        return layers.stream().map(WeightedLayer::source).toList();
    }

    @Test
    void sqnrIsTenLog10OfSignalOverNoise() {
        INDArray y = Nd4j.createFromArray(1f, 1f, -2f, 0f);
        INDArray q = Nd4j.createFromArray(1.1f, 0.9f, -2f, 0f);
        assertEquals(10 * Math.log10(6 / 0.02), Sqnr.of(y, q), 1e-4);
        assertEquals(Double.POSITIVE_INFINITY, Sqnr.of(y, y));
        Sqnr batches = new Sqnr();
        batches.add(y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)),
                q.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)));
        batches.add(y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 4)),
                q.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 4)));
        assertEquals(Sqnr.of(y, q), batches.decibels(), 1e-9);
    }

    @Test
    void theOutlierLayerIsRankedFirst() {
        QuantizationProbe probe = new QuantizationProbe(planted, rows);
        assertEquals(1.0, probe.referenceAccuracy());
        LayerSensitivity.Table t = LayerSensitivity.measure(probe, layers, subsets);
        assertEquals(sensitive, t.ranking().get(0), t.toString());
        assertEquals(3, t.layers().size());
        assertEquals(300, t.rows());
        LayerSensitivity.Row first = t.layers().get(0);
        for (LayerSensitivity.Row r : t.layers().subList(1, 3)) {
            assertTrue(first.only().sqnr() < r.only().sqnr() - 10, t.toString());
            assertTrue(first.outputSqnr() < r.outputSqnr() - 10, t.toString());
            assertTrue(first.allBut().sqnr() > r.allBut().sqnr(), t.toString());
            assertTrue(r.outputSqnr() > 20, "an ordinary int8 layer's output is close to float: " + r);
        }
        assertTrue(t.allQuantized().accuracy() < 0.9, "the planted layer breaks the quantized model: " + t);
        assertTrue(first.allBut().accuracy() > 0.95, "leaving it float repairs it: " + t);
        assertEquals(4 * 3 + 2, probe.runs(), "float, all quantized, and per layer: only, its output tapped in float and quantized, all but");
    }

    @Test
    void fallbackKeepsOnlyTheOutlierLayerInFloat() {
        QuantizationProbe probe = new QuantizationProbe(planted, rows);
        List<String> order = LayerSensitivity.measure(probe, layers, subsets).ranking();
        FallbackSearch.Result r = FallbackSearch.search(probe, names(), () -> order, subsets, 5.0);
        assertTrue(r.met(), r.toString());
        assertEquals(List.of(sensitive), r.best().floatLayers());
        assertEquals("all quantized", r.steps().get(0).action());
        assertFalse(r.steps().get(0).within());
        assertEquals(2, r.steps().size(), "one layer suffices: no pruning step " + r);
        assertTrue(r.best().drop() <= 5.0);
    }

    @Test
    void withoutTheCulpritAmongTheCandidatesTheSmallestDropIsReturned() {
        QuantizationProbe probe = new QuantizationProbe(planted, rows);
        List<String> others = names().stream().filter(n -> !n.equals(sensitive)).toList();
        FallbackSearch.Result r = FallbackSearch.search(probe, names(), () -> others, subsets, 0.5);
        assertFalse(r.met(), r.toString());
        assertEquals(3, r.steps().size());
        double smallest = r.steps().stream().mapToDouble(FallbackSearch.Step::drop).min().orElseThrow();
        assertEquals(smallest, r.best().drop());
        assertTrue(r.best().drop() > 0.5);
    }

    @Test
    void scoresTheTableMeasuredAreNotMeasuredAgain() {
        QuantizationProbe probe = new QuantizationProbe(planted, rows);
        LayerSensitivity.Table t = LayerSensitivity.measure(probe, layers, subsets);
        int runs = probe.runs();
        java.util.Map<java.util.Set<String>, QuantizationProbe.Score> known = new java.util.HashMap<>(t.scores(names()));
        FallbackSearch.Result r = FallbackSearch.search(probe, names(), t::ranking, subsets, 5.0, known);
        assertEquals(runs, probe.runs(), "all quantized and the first layer alone in float are in the table");
        assertTrue(r.steps().stream().allMatch(FallbackSearch.Step::reused), r.toString());
        assertEquals(List.of(sensitive), r.best().floatLayers());
        FallbackSearch.Result fresh = FallbackSearch.search(probe, names(), t::ranking, subsets, 5.0);
        assertEquals(r.best().score(), fresh.best().score(), "a reused score is the one measuring again gives");
        assertFalse(fresh.steps().get(0).reused());
    }

    @Test
    void withinToleranceAtOnceNeedsNoSensitivity() {
        QuantizationProbe probe = new QuantizationProbe(planted, rows);
        FallbackSearch.Result r = FallbackSearch.search(probe, names(), () -> {
            throw new AssertionError("the order is not needed");
        }, subsets, 100.0);
        assertTrue(r.met());
        assertEquals(1, r.steps().size());
        assertEquals(List.of(), r.best().floatLayers());
    }

    @Test
    void onlyTheMeasuredLayersGetRows() {
        QuantizationProbe probe = new QuantizationProbe(planted, rows);
        LayerSensitivity.Table t = LayerSensitivity.measure(probe, layers, layers.subList(1, 3), subsets);
        assertEquals(List.of(layers.get(1).source(), layers.get(2).source()).stream().sorted().toList(),
                t.ranking().stream().sorted().toList());
        assertTrue(t.layers().get(0).allBut().accuracy() < 0.9, "the culprit is still quantized: " + t);
    }

    @Test
    void pruningRequantizesALayerTheToleranceDoesNotNeed() {
        // candidates in the wrong order: an ordinary layer first, then the culprit; the pruning step quantizes the
        // ordinary one again
        QuantizationProbe probe = new QuantizationProbe(planted, rows);
        String ordinary = layers.get(2).source();
        FallbackSearch.Result r = FallbackSearch.search(probe, names(), () -> List.of(ordinary, sensitive), subsets, 5.0);
        assertTrue(r.met(), r.toString());
        assertEquals(List.of(sensitive), r.best().floatLayers(), r.toString());
        assertEquals("quantize -" + ordinary, r.steps().get(r.steps().size() - 1).action());
    }
}
