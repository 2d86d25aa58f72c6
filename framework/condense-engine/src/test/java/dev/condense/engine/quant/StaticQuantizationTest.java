package dev.condense.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.quant.MinMaxAccumulator;
import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ActivationQuantization;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.quant.IntegerOnlyExport;
import dev.condense.engine.rewrite.BatchNormFolding;
import dev.condense.engine.runtime.OptimizedGraph;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Static quantization of LeNet-5 (seeded weights, seeded rows in [0, 1]) end to end: placement, calibration in ONNX
 * Runtime, annotation, QDQ export; ONNX Runtime runs the export with integer kernels only and its logits stay
 * close to the float model's.
 */
class StaticQuantizationTest {
    @TempDir
    Path dir;

    private static DataSplit rows(int n, long seed) {
        INDArray x = Nd4j.getRandomFactory().getNewRandomInstance(seed).nextDouble(new long[] {n, 1, 28, 28}).castTo(DataType.FLOAT);
        return new DataSplit(x, Nd4j.zeros(DataType.FLOAT, n));
    }

    @Test
    void placementKeepsLeNetInEightBitsFromInputToLogits() {
        ModelGraph g = Zoo.build("lenet-5", 3);
        QdqPlacement p = QdqPlacement.of(g, WeightedLayers.stored(g));
        String logits = g.outputs().get(0).name();
        assertFalse(p.tensors().contains(logits));
        for (WeightedLayer l : WeightedLayers.stored(g)) {
            assertTrue(p.tensors().contains(l.node().inputs().get(0)), l.source());
        }
        for (Node n : g.nodes()) {
            if (QdqPlacement.PASS_THROUGH.contains(n.opType())) {
                assertEquals(n.inputs().get(0), p.sharedWith().get(n.output()), n.name());
            }
            if (n.opType().equals("Relu")) {     // a layer output read only by a Relu takes the Relu's grid
                assertEquals(n.output(), p.sharedWith().get(n.inputs().get(0)), n.name());
                assertEquals(n.output(), p.source(n.inputs().get(0)));
            }
        }
        assertTrue(p.calibrated().stream().noneMatch(p.sharedWith()::containsKey));
        p.tensors().forEach(t -> assertTrue(p.calibrated().contains(p.source(t)), t));
    }

    @Test
    void quantizedLeNetRunsOnIntegerKernelsCloseToFloat() throws Exception {
        ModelGraph g = Zoo.build("lenet-5", 3);
        List<WeightedLayer> layers = WeightedLayers.stored(g);
        QdqPlacement p = QdqPlacement.of(g, layers);
        Map<String, ClipRange> ranges = ActivationCalibration.calibrate(g, rows(300, 5).features(), p.calibrated(),
                MinMaxAccumulator::new, 128, 8, false);
        ModelGraph q = StaticQuantization.apply(g, layers, p, ranges, 8, false,
                new StaticQuantization.WeightOptions(8, true, true, false));

        for (WeightedLayer l : layers) {
            AffineQuantization w = q.annotation(l.source(), AffineQuantization.class).orElseThrow();
            assertEquals(8, w.bits());
            assertEquals(StaticQuantization.channelAxis(l), w.axis());
            AffineQuantization b = q.annotation(l.bias(), AffineQuantization.class).orElseThrow();
            ActivationQuantization in = q.activationQuantization().get(l.node().inputs().get(0));
            assertEquals(32, b.bits());
            assertEquals(in.affine().scale().getFloat(0) * w.scale().getFloat(0), b.scale().getFloat(0));
        }
        assertEquals(p.tensors().size(), q.activationQuantization().size());

        ModelProto proto = new OnnxExporter().toProto(q);
        long quantizeNodes = proto.getGraph().getNodeList().stream().map(NodeProto::getOpType)
                .filter("QuantizeLinear"::equals).count();
        long relus = g.nodes().stream().filter(n -> n.opType().equals("Relu")).count();
        long left = g.nodes().stream().filter(n -> n.opType().equals("Relu")
                && n.output().equals(p.sharedWith().get(n.inputs().get(0)))).count();
        assertTrue(left > 0, "LeNet-5's layer Relus share their layer's grid");
        assertEquals(p.tensors().size() - left, quantizeNodes, "a left-out Relu's output has no QDQ pair of its own");
        assertEquals(relus - left, proto.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Relu"))
                .count());

        Path fp = dir.resolve("float.onnx");
        Path int8 = dir.resolve("int8.onnx");
        new OnnxExporter().write(g, fp);
        new OnnxExporter().write(q, int8);
        OptimizedGraph ort = OptimizedGraph.of(int8, 1);
        assertEquals(layers.size(), ort.integerNodes(), ort.summary());
        assertEquals(0, ort.floatComputeNodes(), ort.summary());

        INDArray x = rows(64, 99).features();   // rows not used for calibration
        INDArray yf;
        INDArray yq;
        try (OrtRunner a = new OrtRunner(fp); OrtRunner b = new OrtRunner(int8)) {
            yf = a.run(x);
            yq = b.run(x);
        }
        double err = Transforms.abs(yf.sub(yq)).maxNumber().doubleValue();
        double scale = Transforms.abs(yf).maxNumber().doubleValue();
        assertTrue(err < 0.05 * scale, "max |logit error| " + err + " vs max |logit| " + scale);
        assertTrue(err > 0, "the int8 model computes something else than float");
    }

    /**
     * resnet-20-small (seeded, batch norms folded): every residual {@code Add -> Relu} shares the Relu's grid, so
     * ONNX Runtime's optimized graph is integer kernels from the input's QuantizeLinear to the logits, with no
     * DequantizeLinear/QuantizeLinear, Relu or float Add between layers; the integer-only rewrite of the same export
     * is accepted (it refused the requantization after each Add before) and computes what the QDQ model computes.
     */
    @Test
    void resnetRunsInIntegersFromInputToLogitsWithNoRequantizationAfterTheResidualAdds() throws Exception {
        ModelGraph g = BatchNormFolding.fold(Zoo.build("resnet-20-small", 3)).graph();
        List<WeightedLayer> layers = WeightedLayers.stored(g);
        QdqPlacement p = QdqPlacement.of(g, layers);
        for (Node n : g.nodes()) {
            if (n.opType().equals("Add")) {
                Node relu = g.consumers(n.output()).get(0);
                assertEquals("Relu", relu.opType());
                assertEquals(relu.output(), p.sharedWith().get(n.output()), n.name());
            }
        }
        Map<String, ClipRange> ranges = ActivationCalibration.calibrate(g, rows(64, 5).features(), p.calibrated(),
                MinMaxAccumulator::new, 64, 8, false);
        ModelGraph q = StaticQuantization.apply(g, layers, p, ranges, 8, false,
                new StaticQuantization.WeightOptions(8, true, true, false));
        Path fp = dir.resolve("resnet-float.onnx");
        Path int8 = dir.resolve("resnet-int8.onnx");
        Path ints = dir.resolve("resnet-integer.onnx");
        new OnnxExporter().write(g, fp);
        new OnnxExporter().write(q, int8);
        java.nio.file.Files.write(ints, IntegerOnlyExport.rewrite(new OnnxExporter().toProto(q), "resnet")
                .toByteArray());
        long adds = g.nodes().stream().filter(n -> n.opType().equals("Add")).count();
        for (Path f : List.of(int8, ints)) {
            OptimizedGraph ort = OptimizedGraph.of(f, 1);
            Map<String, Integer> t = ort.nodeTypes();
            assertEquals(layers.size() + adds + 1, ort.integerNodes(), ort.summary());  // + QLinearGlobalAveragePool
            assertEquals((int) adds, t.getOrDefault("com.microsoft:QLinearAdd", 0), ort.summary());
            assertEquals(1, t.getOrDefault("QuantizeLinear", 0), "only the input's: " + ort.summary());
            for (String fl : List.of("DequantizeLinear", "Relu", "Add", "Clip", "GlobalAveragePool")) {
                assertFalse(t.containsKey(fl), fl + " in " + ort.summary());
            }
            assertEquals(0, ort.floatComputeNodes(), ort.summary());
        }
        INDArray x = rows(32, 99).features();
        INDArray yf;
        INDArray yq;
        INDArray yi;
        try (OrtRunner a = new OrtRunner(fp); OrtRunner b = new OrtRunner(int8); OrtRunner c = new OrtRunner(ints)) {
            yf = a.run(x);
            yq = b.run(x);
            yi = c.run(x);
        }
        double scale = Transforms.abs(yf).maxNumber().doubleValue();
        double err = Transforms.abs(yf.sub(yq)).maxNumber().doubleValue();
        assertTrue(err < 0.1 * scale && err > 0, "max |logit error| " + err + " vs max |logit| " + scale);
        double diff = Transforms.abs(yq.sub(yi)).maxNumber().doubleValue();
        assertTrue(diff <= 1e-3 * scale, "integer-only against QDQ: " + diff);
    }
}
