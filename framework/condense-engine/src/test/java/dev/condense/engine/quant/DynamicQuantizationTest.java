package dev.condense.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OptimizedGraph;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Dynamic quantization of LeNet-300-100 (seeded weights): ORT fuses every layer into an integer kernel. */
class DynamicQuantizationTest {
    @TempDir
    Path dir;

    @Test
    void lenet300RunsOnDynamicIntegerKernelsCloseToFloat() throws Exception {
        ModelGraph g = Zoo.build("lenet-300-100", 3);
        List<WeightedLayer> layers = WeightedLayers.stored(g);
        ModelGraph q = DynamicQuantization.apply(g, layers, new StaticQuantization.WeightOptions(8, true, true, false));
        assertEquals(3, layers.size());
        for (WeightedLayer l : layers) {
            assertEquals(8, q.annotation(l.source(), AffineQuantization.class).orElseThrow().bits());
            assertTrue(q.activationQuantization().get(l.node().inputs().get(0)).isDynamic());
        }
        var proto = new OnnxExporter().toProto(q);
        List<String> ops = proto.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
        assertEquals(3, ops.stream().filter("MatMulInteger"::equals).count(), ops.toString());
        assertEquals(0, ops.stream().filter("DequantizeLinear"::equals).count(), "weights stored once: " + ops);

        Path fp = dir.resolve("float.onnx");
        Path int8 = dir.resolve("int8.onnx");
        new OnnxExporter().write(g, fp);
        new OnnxExporter().write(q, int8);
        assertTrue(Files.size(int8) * 3.5 < Files.size(fp), Files.size(int8) + " vs " + Files.size(fp));
        OptimizedGraph ort = OptimizedGraph.of(int8, 1);
        assertEquals(3, ort.integerNodes(), ort.summary());
        assertEquals(0, ort.floatComputeNodes(), ort.summary());

        long[] shape = g.inputs().get(0).shape().clone();
        shape[0] = 32;
        INDArray x = Nd4j.getRandomFactory().getNewRandomInstance(5).nextDouble(shape)
                .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        INDArray yf;
        INDArray yq;
        try (OrtRunner a = new OrtRunner(fp); OrtRunner b = new OrtRunner(int8)) {
            yf = a.run(x);
            yq = b.run(x);
        }
        double err = Transforms.abs(yf.sub(yq)).maxNumber().doubleValue();
        double scale = Transforms.abs(yf).maxNumber().doubleValue();
        assertTrue(err < 0.05 * scale && err > 0, "max |logit error| " + err + " vs max |logit| " + scale);
    }
}
