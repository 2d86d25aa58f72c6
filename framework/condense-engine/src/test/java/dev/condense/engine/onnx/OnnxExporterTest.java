package dev.condense.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.condense.engine.fixtures.TinyMlp;
import java.nio.file.Files;
import java.nio.file.Path;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxExporterTest {

    @TempDir
    Path dir;

    @Test
    void sameGraphGivesSameBytes() {
        OnnxExporter exporter = new OnnxExporter();
        byte[] first = exporter.toBytes(new TinyMlp(7).graph);
        byte[] again = exporter.toBytes(new TinyMlp(7).graph);
        assertArrayEquals(first, again);
        assertArrayEquals(first, new OnnxExporter().toBytes(new TinyMlp(7).graph));
    }

    @Test
    void writesHeaderDynamicBatchAndRawInitializers() throws Exception {
        Path file = dir.resolve("mlp.onnx");
        new OnnxExporter().write(new TinyMlp(7).graph, file);
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "the temporary file is moved, not left behind");
        }
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(8, m.getIrVersion());
        assertEquals("condense", m.getProducerName());
        assertEquals("", m.getOpsetImport(0).getDomain());
        assertEquals(13, m.getOpsetImport(0).getVersion());
        var dims = m.getGraph().getInput(0).getType().getTensorType().getShape();
        assertEquals("N", dims.getDim(0).getDimParam());
        assertEquals(4, dims.getDim(3).getDimValue());
        TensorProto w1 = m.getGraph().getInitializer(2);
        assertEquals("fc1.weight", w1.getName());
        assertEquals(TensorProto.DataType.FLOAT_VALUE, w1.getDataType());
        assertEquals(8 * 16 * 4, w1.getRawData().size());
        assertEquals(0, m.getGraph().getInitializer(0).getDimsCount(), "the scalar mean keeps shape []");
    }
}
