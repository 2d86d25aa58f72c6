package dev.condense.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.Codebook;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.fixtures.QuantizedWeights;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class CzModelTest {
    @TempDir
    Path dir;

    /** convNet with fc.w pruned (|w| < 0.15 -> 0) and shared on 8 centroids; conv.w and the bias left float. */
    static ModelGraph coded() {
        ModelGraph f = QuantizedWeights.convNet(31);
        INDArray w = f.initializers().get("fc.w");
        INDArray centroids = Nd4j.createFromArray(-0.45f, -0.3f, -0.2f, 0f, 0.2f, 0.3f, 0.45f, 0.6f);
        INDArray idx = Transforms.min(Transforms.max(Transforms.round(w.div(0.15)).add(3), 0), 7)
                .castTo(DataType.INT32);
        Codebook book = new Codebook(centroids, idx);
        return f.toBuilder().initializer("fc.w", book.weights()).annotate("fc.w", book).build();
    }

    @Test
    void decodedModelHoldsTheCodedWeightsBitForBitAndEverythingElseAsExported() throws Exception {
        ModelGraph g = coded();
        CzFormat.Container c = CzModel.encode(g, name -> 4);
        assertEquals(List.of("fc.w"), c.layers().stream().map(CodedLayer::name).toList());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CzFormat.write(c, out);
        byte[] onnx = CzModel.decode(CzFormat.read(new ByteArrayInputStream(out.toByteArray()), "m.cz"), "m.cz");
        Path file = dir.resolve("decoded.onnx");
        Files.write(file, onnx);
        ModelGraph back = new OnnxImporter().read(file);
        assertArrayEquals(g.initializers().get("fc.w").data().asFloat(),
                back.initializers().get("fc.w").data().asFloat());
        ModelGraph plain = g.toBuilder().removeAnnotation("fc.w", Codebook.class).build();
        assertArrayEquals(new OnnxExporter().toBytes(plain), onnx, "the decoded file is the float export");
        assertTrue(out.size() < onnx.length, "container " + out.size() + " B, ONNX " + onnx.length + " B");
    }

    @Test
    void aSkeletonWithoutTheLayerIsAnError() {
        CzFormat.Container c = CzModel.encode(coded(), name -> 4);
        CzFormat.Container other = new CzFormat.Container(
                CzModel.encode(QuantizedWeights.convNet(1), name -> 4).skeleton(), c.layers());
        CodecException e = assertThrows(CodecException.class, () -> CzModel.decode(other, "m.cz"));
        assertTrue(e.getMessage().startsWith("m.cz: layer fc.w"), e.getMessage());
    }

    @Test
    void float16CodebooksDecodeToTheRoundedCentroidsBitForBit() throws Exception {
        ModelGraph g = coded();
        CzFormat.Container c = CzModel.encode(g, name -> 4, name -> CentroidPrecision.FLOAT16);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CzFormat.write(c, out);
        Path file = dir.resolve("decoded16.onnx");
        Files.write(file, CzModel.decode(CzFormat.read(new ByteArrayInputStream(out.toByteArray()), "m.cz"), "m.cz"));
        float[] decoded = new OnnxImporter().read(file).initializers().get("fc.w").data().asFloat();
        Codebook book = g.annotation("fc.w", Codebook.class).orElseThrow();
        float[] expected = CzModel.projected(book, CentroidPrecision.FLOAT16).weights().data().asFloat();
        assertArrayEquals(expected, decoded);
        float[] original = g.initializers().get("fc.w").data().asFloat();
        boolean changed = false;
        for (int i = 0; i < original.length; i++) {
            assertEquals(original[i], decoded[i], Math.abs(original[i]) * 0x1p-11f, "within float16 rounding at " + i);
            changed |= original[i] != decoded[i];
        }
        assertTrue(changed, "-0.45, -0.3, 0.2, 0.3 and 0.45 are not binary16 values: some weight must change");
        ByteArrayOutputStream out32 = new ByteArrayOutputStream();
        CzFormat.write(CzModel.encode(g, name -> 4), out32);
        assertEquals(out32.size() + 1 + 4 - 7 * 2, out.size(),
                "one precision byte, the binarized-layer count (u32, version 2), 7 non-zero centroids 2 bytes less");
    }

    /** {@link #coded()} with conv.w binarized as XNOR-Net does: sign(w) times the channel's mean |w|. */
    static ModelGraph binarized() {
        ModelGraph g = coded();
        INDArray w = g.initializers().get("conv.w");
        INDArray alpha = Transforms.abs(w, true).reshape(4, 18).mean(1);
        INDArray sign = Transforms.sign(w, true).addi(w.eq(0).castTo(DataType.FLOAT)); // 0 -> +1
        INDArray wb = sign.mul(alpha.reshape(4, 1, 1, 1));
        var a = dev.condense.api.model.AffineQuantization.perChannel(alpha.toFloatVector(), new long[4], 0, 2, true);
        return g.toBuilder().initializer("conv.w", wb).annotate("conv.w", a).build();
    }

    @Test
    void binarizedWeightsAreStoredOneBitEachAndDecodeToTheSameExport() throws Exception {
        ModelGraph g = binarized();
        assertEquals(List.of("conv.w"), List.copyOf(CzModel.binarized(g).keySet()));
        CzFormat.Container c = CzModel.encode(g, name -> 4);
        assertEquals(1, c.signs().size());
        assertEquals(9, c.signs().get(0).packed().length, "72 signs in 9 bytes");
        assertEquals(2, CzFormat.versionFor(c));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CzFormat.write(c, out);
        CzFormat.Container back = CzFormat.read(new ByteArrayInputStream(out.toByteArray()), "m.cz");
        byte[] onnx = CzModel.decode(back, "m.cz");
        ModelGraph plain = g.toBuilder().removeAnnotation("fc.w", Codebook.class).build();
        assertArrayEquals(new OnnxExporter().toBytes(plain), onnx,
                "the decoded file is the export: int8 codes and DequantizeLinear for conv.w, float fc.w");
        Path file = dir.resolve("binary.onnx");
        Files.write(file, onnx);
        assertArrayEquals(g.initializers().get("conv.w").data().asFloat(),
                new OnnxImporter().read(file).initializers().get("conv.w").data().asFloat());
    }

    @Test
    void aWeightWhoseCodesAreNotAllPlusOrMinusOneIsNotBinarized() {
        ModelGraph g = coded();
        INDArray w = g.initializers().get("conv.w");
        var a = dev.condense.api.model.AffineQuantization.symmetric(w, 2); // codes -1, 0, +1
        ModelGraph ternary = g.toBuilder().initializer("conv.w", a.project(w)).annotate("conv.w", a).build();
        assertTrue(CzModel.binarized(ternary).isEmpty());
        assertTrue(CzModel.encode(ternary, name -> 4).signs().isEmpty());
    }
}
