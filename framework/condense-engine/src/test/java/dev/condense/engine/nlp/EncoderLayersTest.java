package dev.condense.engine.nlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.fixtures.MiniLm;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.train.Inference;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A student from a subset of MiniLM's layers: all six kept is the teacher, two kept runs alike in ORT and SameDiff. */
class EncoderLayersTest {
    @TempDir
    static Path dir;

    @Test
    void keepingLayersChainsThemAndDropsTheRest() throws Exception {
        ModelGraph teacher = new OnnxImporter().withDimensions(Map.of("sequence_length", 16L)).read(MiniLm.model(dir));
        assertEquals(6, EncoderLayers.count(teacher));
        ModelGraph all = EncoderLayers.keep(teacher, 0, 1, 2, 3, 4, 5);
        assertEquals(teacher.nodes(), all.nodes());
        assertEquals(teacher.initializers().keySet(), all.initializers().keySet());
        ModelGraph student = EncoderLayers.keep(teacher, 2, 5);
        assertEquals(2, EncoderLayers.count(student));
        long params = student.initializers().values().stream().mapToLong(INDArray::length).sum();
        long teacherParams = teacher.initializers().values().stream().mapToLong(INDArray::length).sum();
        assertEquals(teacherParams - 4 * (1_774_464L + 23), params, "4 layers of 1,774,464 weights and 23 scalar constants removed");
        Map<String, INDArray> in = Map.of("input_ids", Nd4j.createFromArray(new long[][] {
                {101, 1037, 3899, 102, 3216, 102, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}),
                "attention_mask", Nd4j.createFromArray(new long[][] {{1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}),
                "token_type_ids", Nd4j.createFromArray(new long[][] {{0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}));
        Path file = dir.resolve("student.onnx");
        new OnnxExporter().write(student, file);
        INDArray ort;
        try (OrtRunner r = new OrtRunner(file)) {
            ort = r.runAll(in).get("last_hidden_state");
        }
        INDArray sd = Inference.run(student, in).get("last_hidden_state");
        assertTrue(ort.equalsWithEps(sd, 1e-4), "student in ORT and SameDiff");
        assertThrows(IllegalArgumentException.class, () -> EncoderLayers.keep(teacher, 5, 2));
        assertThrows(IllegalArgumentException.class, () -> EncoderLayers.keep(teacher, 6));
    }
}
