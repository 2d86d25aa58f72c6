package dev.condense.engine.train;

import static dev.condense.engine.train.HookFixtures.afterEveryStep;
import static dev.condense.engine.train.HookFixtures.mlp;
import static dev.condense.engine.train.HookFixtures.planted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ActivationQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.quant.ActivationGrid;
import dev.condense.engine.quant.QdqPlacement;
import dev.condense.engine.quant.StaticQuantization;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LearnedStepSizeTest {
    @TempDir
    Path dir;

    /**
     * A hand-computable tensor, step 0.1, Q_N 3, Q_P 7, gradient scale 0.5, loss {@code sum(w * x_hat)} with
     * w = 1..6: x/s = [-10, -2.9, 1, 2.6, 4.4, 20]; the paper's eq. 3 gives d x_hat/ds = [-3, -0.1, 0, 0.4, -0.4, 7],
     * so dL/ds = 0.5 * (-3 - 0.2 + 0 + 1.6 - 2.0 + 42) = 19.2; dL/dx = w inside, 0 where clipped.
     */
    @Test
    void theStepSizeGradientIsThePapersEquation3TimesTheGradientScale() {
        float[] xs = {-1.0f, -0.29f, 0.1f, 0.26f, 0.44f, 2.0f};
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Nd4j.createFromArray(xs));
        SDVariable s = sd.var("s", Nd4j.scalar(0.1f));
        SDVariable w = sd.constant(Nd4j.createFromArray(1f, 2f, 3f, 4f, 5f, 6f));
        SDVariable q = LearnedStepSize.quantize(sd, x, s, 3, 7, 0.5);
        sd.setLossVariables(q.mul(w).sum());
        assertEquals(Nd4j.createFromArray(-0.3f, -0.3f, 0.1f, 0.3f, 0.4f, 0.7f), q.eval());
        Map<String, INDArray> grads = sd.calculateGradients(Map.of(), "x", "s");
        double formula = 0;
        for (int i = 0; i < xs.length; i++) {
            double v = xs[i] / 0.1f;
            double d = v <= -3 ? -3 : v >= 7 ? 7 : Math.round(v) - v;
            formula += (i + 1) * d;
        }
        assertEquals(19.2, 0.5 * formula, 1e-5, "the hand value");
        assertEquals(0.5 * formula, grads.get("s").getDouble(0), 1e-4);
        assertEquals(Nd4j.createFromArray(0f, 2f, 3f, 4f, 5f, 0f), grads.get("x"));
    }

    /**
     * The MLP with 4-bit activations whose Relu output starts on {@code [0, 20]}, several times its values' range
     * (most values on codes 0 and 1): the learned step shrinks, the loss falls, the model learns, and the range
     * stays anchored at 0 (zero point kept).
     */
    @Test
    void aRangeFarTooWideIsNarrowedAndTheLossFalls() {
        ModelGraph g = mlp(3);
        INDArray act = HookFixtures.inferTensor(g, "fc1.act", planted(1024, 1).features());
        double observed = act.maxNumber().doubleValue();
        assertTrue(observed < 20 / 3.0, "the start is far too wide for values up to " + observed);
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("fc1.out", "fc1.act");
        sources.put("fc1.act", "fc1.act");
        var qat = QuantizationAwareTraining.learned(Map.of(), sources, Map.of("fc1.act", new ClipRange(0, 20)), 4,
                false);
        List<Double> losses = new ArrayList<>();
        var r = Trainer.fit(g, planted(1024, 1), 2, new TrainSpec(30, 32, new OptimizerSpec("sgd", 0.05, 0.9, 0), 0),
                5, Trainer.CROSS_ENTROPY, List.of(qat, afterEveryStep(s -> losses.add(s.loss()))));
        assertEquals(960, losses.size());
        double first = losses.subList(0, 32).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(928, 960).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double end = qat.ranges().get("fc1.act").max();
        assertTrue(last < first / 4, "loss falls: " + first + " -> " + last);
        assertTrue(end < 12, "range narrowed from 20: " + end);
        assertEquals(0, qat.ranges().get("fc1.act").min(), "a Relu range keeps zero point 0");
        assertTrue(HookFixtures.accuracy(r.graph(), planted(512, 2)) > 0.9);
    }

    /**
     * Learned ranges are what the export writes: each activation's QuantizeLinear scale is the trained step and its
     * zero point the start's, and ONNX Runtime's QDQ model computes the fake-quantized training graph's logits up to
     * rounding (int32 biases, ORT's integer requantization, float32 vs float64 scales, ties: a few codes of the
     * hidden layer flip; the untrained model matches to 2e-7, trained ones, EMA or learned, to such flips), and
     * closer than the same trained model exported with the start ranges.
     */
    @Test
    void theExportedModelIsTheTrainedFakeQuantizedOne() {
        exportMatchesTraining(8);
    }

    /**
     * As {@link #theExportedModelIsTheTrainedFakeQuantizedOne} with 4-bit activations: the export clips the uint8
     * codes to [0, 15] between QuantizeLinear and DequantizeLinear, so values beyond the trained range saturate as in
     * training, and ONNX Runtime still runs both layers on integer kernels.
     */
    @Test
    void fourBitActivationsExportClippedCodes() throws Exception {
        Path file = exportMatchesTraining(4);
        var ort = dev.condense.engine.runtime.OptimizedGraph.of(file, 1);
        assertEquals(2, ort.integerNodes(), ort.summary());
        assertEquals(0, ort.floatComputeNodes(), ort.summary());
    }

    private Path exportMatchesTraining(int bits) {
        ModelGraph g = mlp(4);
        List<WeightedLayer> layers = WeightedLayers.of(g);
        QdqPlacement placement = QdqPlacement.of(g, layers);
        Map<String, String> sources = new LinkedHashMap<>();
        placement.tensors().forEach(t -> sources.put(t, placement.source(t)));
        Map<String, ClipRange> initial = new LinkedHashMap<>();
        placement.calibrated().forEach(t -> initial.put(t, new ClipRange(t.equals("x0") ? -3 : 0, 12)));
        Map<String, QuantizationAwareTraining.WeightFormat> formats = new LinkedHashMap<>();
        layers.forEach(l -> formats.put(l.source(), new QuantizationAwareTraining.WeightFormat(
                StaticQuantization.channelAxis(l), 4, true)));
        var qat = QuantizationAwareTraining.learned(formats, sources, initial, bits, false);
        ModelGraph trained = Trainer.fit(g, planted(1024, 1), 2, new TrainSpec(4, 32,
                new OptimizerSpec("sgd", 0.05, 0.9, 0), 0), 5, Trainer.CROSS_ENTROPY, List.of(qat)).graph();
        Map<String, ClipRange> ranges = qat.ranges();
        assertTrue(ranges.get("x0").min() != -3 && ranges.get("fc1.act").max() != 12, "ranges moved: " + ranges);

        Lowering lowering = new Lowering(trained, SameDiffLowering.trainableInitializers(trained));
        qat.lower(lowering);
        LoweredGraph fake = SameDiffLowering.lower(trained, false, lowering.combined(), lowering.combinedActivations());
        ModelGraph annotated = StaticQuantization.apply(trained, WeightedLayers.of(trained), placement, ranges, bits,
                false, new StaticQuantization.WeightOptions(4, true, true, false));
        ranges.forEach((t, range) -> {
            ActivationQuantization a = annotated.activationQuantization().get(t);
            float step = fake.sd().getVariable(stepVariable(fake, t)).getArr().getFloat(0);
            assertEquals(step, a.affine().scale().getFloat(0), "the trained step is the export's scale");
            assertEquals(ActivationGrid.of(initial.get(t), bits, false).affine().zeroPoint().getLong(0),
                    a.affine().zeroPoint().getLong(0), "zero point kept from the start");
        });
        INDArray x = planted(256, 9).features();
        INDArray expected = fake.sd().output(Map.of(fake.inputName(), x), fake.outputName()).get(fake.outputName());
        Path file = dir.resolve("lsq" + bits + ".onnx");
        new OnnxExporter().write(annotated, file);
        INDArray ort;
        try (OrtRunner runner = new OrtRunner(file, 1)) {
            ort = runner.run(x);
        }
        double diff = ort.sub(expected).amaxNumber().doubleValue();
        ModelGraph atStart = StaticQuantization.apply(trained, WeightedLayers.of(trained), placement, initial, bits,
                false, new StaticQuantization.WeightOptions(4, true, true, false));
        Path startFile = dir.resolve("start" + bits + ".onnx");
        new OnnxExporter().write(atStart, startFile);
        double startDiff;
        try (OrtRunner runner = new OrtRunner(startFile, 1)) {
            startDiff = runner.run(x).sub(expected).amaxNumber().doubleValue();
        }
        // a code that rounds the other way in ORT's integer requantization moves a logit by s_act * |w2|
        double flip = ranges.get("fc1.act").max() / ((1 << bits) - 1) * trained.initializers().get("fc2.weight").amaxNumber()
                .doubleValue();
        assertTrue(diff <= 3 * flip, "ORT vs the fake-quantized graph: max |diff| " + diff + ", a code " + flip);
        assertTrue(startDiff > 2 * diff, "the start ranges export another model: " + startDiff + " vs " + diff);
        INDArray differ = expected.argMax(1).neq(ort.argMax(1));
        INDArray margin = org.nd4j.linalg.ops.transforms.Transforms.abs(expected.getColumn(0).sub(expected.getColumn(1)));
        for (int i = 0; i < differ.length(); i++) {
            assertTrue(differ.getDouble(i) == 0 || margin.getDouble(i) <= 2 * diff, "row " + i + " changes class with"
                    + " margin " + margin.getDouble(i));
        }
        assertTrue(differ.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).sumNumber().intValue() <= 2);
        return file;
    }

    private static String stepVariable(LoweredGraph l, String source) {
        return l.sd().variables().stream().map(SDVariable::name)
                .filter(n -> n.endsWith("condense.lsq." + source + ".step")).findFirst().orElseThrow();
    }
}
