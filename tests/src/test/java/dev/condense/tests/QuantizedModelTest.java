package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Quantized models through the distribution: a weight-only int8 LeNet-300-100 (written by Condense's own exporter
 * from per-channel affine annotations) is read by {@code inspect}; a model with QuantizeLinear and QLinearConv is
 * refused with exit 2 and one line naming the quantized ops and their nodes.
 */
class QuantizedModelTest {
    @TempDir
    Path dir;

    @Test
    void inspectReadsAWeightOnlyInt8Model() throws Exception {
        ModelGraph g = Zoo.build("lenet-300-100", 0);
        ModelGraph.Builder b = g.toBuilder();
        for (WeightedLayer l : WeightedLayers.of(g)) {
            INDArray w = g.initializers().get(l.source());
            float[] scales = new float[(int) w.size(0)];
            for (int c = 0; c < scales.length; c++) {
                scales[c] = w.getRow(c).amaxNumber().floatValue() / 127f;
            }
            AffineQuantization q = AffineQuantization.perChannel(scales, new long[scales.length], 0, 8, true);
            b.initializer(l.source(), q.project(w)).annotate(l.source(), q);
        }
        Path file = dir.resolve("lenet-int8.onnx");
        new OnnxExporter().write(b.build(), file);
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(3, written.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == TensorProto.DataType.INT8_VALUE && t.getDimsCount() == 2).count());
        Cli.Result r = Cli.run(dir, "inspect", file.toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("[300,784]") && r.out().contains("[10,100]"), r.out());
    }

    @Test
    void inspectRefusesAFullyQuantizedModelNamingOpsAndNodes() throws Exception {
        Path file = dir.resolve("qlinear.onnx");
        Files.write(file, qlinearConv().toByteArray());
        Cli.Result r = Cli.run(dir, "inspect", file.toString());
        assertEquals(2, r.exit(), r.all());
        assertFalse(r.all().contains("\tat ") || r.all().contains("Exception"), r.all());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), r.err());
        String line = errors.get(0);
        assertTrue(line.startsWith("error: invalid model: " + file + ": already quantized: 3 ops ("), line);
        assertTrue(line.contains("QLinearConv x1 at node 'conv'") && line.contains("QuantizeLinear x1 at node 'qx'")
                && line.contains("DequantizeLinear x1 at node 'dqy'"), line);
    }

    private static TensorProto tensor(String name, int type, byte[] raw, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static TensorProto scalarFloat(String name, float v) {
        int bits = Float.floatToIntBits(v);
        return tensor(name, TensorProto.DataType.FLOAT_VALUE,
                new byte[] {(byte) bits, (byte) (bits >> 8), (byte) (bits >> 16), (byte) (bits >> 24)});
    }

    private static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    /** x[1,1,5,5] -> QuantizeLinear 'qx' -> QLinearConv 'conv' (int8 weight [1,1,3,3]) -> DequantizeLinear 'dqy'. */
    private static ModelProto qlinearConv() {
        int u8 = TensorProto.DataType.UINT8_VALUE;
        GraphProto g = GraphProto.newBuilder().setName("qlinear")
                .addInitializer(scalarFloat("xs", 1 / 255f)).addInitializer(tensor("xz", u8, new byte[] {0}))
                .addInitializer(tensor("w", TensorProto.DataType.INT8_VALUE, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9},
                        1, 1, 3, 3))
                .addInitializer(scalarFloat("ws", 0.01f))
                .addInitializer(tensor("wz", TensorProto.DataType.INT8_VALUE, new byte[] {0}))
                .addInitializer(scalarFloat("ys", 0.05f)).addInitializer(tensor("yz", u8, new byte[] {(byte) 128}))
                .addNode(NodeProto.newBuilder().setName("qx").setOpType("QuantizeLinear")
                        .addInput("x").addInput("xs").addInput("xz").addOutput("xq"))
                .addNode(NodeProto.newBuilder().setName("conv").setOpType("QLinearConv").addInput("xq").addInput("xs")
                        .addInput("xz").addInput("w").addInput("ws").addInput("wz").addInput("ys").addInput("yz")
                        .addOutput("yq"))
                .addNode(NodeProto.newBuilder().setName("dqy").setOpType("DequantizeLinear")
                        .addInput("yq").addInput("ys").addInput("yz").addOutput("y"))
                .addInput(value("x", 1, 1, 5, 5)).addOutput(value("y", 1, 1, 3, 3)).build();
        return ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).build();
    }
}
