package dev.condense.kernel.stage.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.nlp.EncoderFiles;
import dev.condense.engine.nlp.PackedInputs;
import dev.condense.engine.nlp.TextClassifier;
import dev.condense.engine.nlp.TextClassifierSpec;
import dev.condense.engine.nlp.UnpackedInputs;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.tokenize.PairTokenizer;
import dev.condense.engine.train.Inference;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.ModelSpec;
import dev.condense.kernel.recipe.RecipeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A text teacher exported with its own int64 inputs (as the export stage writes it) is a distill teacher of a packed
 * student: loaded, it is packed in the student's input order and computes, from the student's packed rows, the
 * logits ONNX Runtime gives on the file's int64 inputs; its tensor names are kept for the layer map. A teacher whose
 * int64 inputs are not the student's is refused at its file.
 */
class TeacherCheckTest {
    private static final int L = 20;
    private static final Location AT = new Location(Path.of("r.yaml"), 4, 12);

    @TempDir
    Path dir;

    @Test
    void aTextTeacherWithInt64InputsIsPackedLikeItsStudent() throws Exception {
        EncoderFiles files = EncoderFiles.locate(EncoderFiles.MINILM, dir.resolve("cache"));
        ModelGraph student = TextClassifier.build(new TextClassifierSpec(EncoderFiles.MINILM, L, 3, List.of(1), 32),
                files, 1);
        ModelGraph packedTeacher = TextClassifier.build(new TextClassifierSpec(EncoderFiles.MINILM, L, 3,
                List.of(0, 3), 64), files, 2);
        Path file = dir.resolve("teacher.onnx");
        new OnnxExporter().write(UnpackedInputs.restore(packedTeacher), file);

        ModelGraph teacher = TeacherCheck.check(ModelSpec.file(file), AT, student);
        assertEquals(1, teacher.inputs().size());
        assertEquals(PackedInputs.PACKED, teacher.inputs().get(0).name());
        assertArrayEquals(new long[] {-1, 3, L}, teacher.inputs().get(0).shape());
        assertTrue(teacher.producer("last_hidden_state").isPresent(), "tensor names are kept for the layer map");

        PairTokenizer.EncodedPairs pairs;
        try (PairTokenizer tok = PairTokenizer.open(files.tokenizer(), L)) {
            pairs = tok.encode(List.of("A man plays a guitar on stage.", "Two dogs run across a field.",
                    "A child eats an apple."), List.of("A man is playing music.", "The dogs are asleep indoors.",
                    "The child is hungry."), i -> "row " + i);
        }
        INDArray inSameDiff = Inference.predict(teacher, PackedInputs.features(List.of(pairs.inputIds(),
                pairs.attentionMask(), pairs.tokenTypeIds())));
        try (OrtRunner ort = new OrtRunner(file)) {
            INDArray expected = ort.runAll(pairs.byName()).get("logits");
            assertTrue(expected.equalsWithEps(inSameDiff, 1e-4), expected + " vs " + inSameDiff);
        }
    }

    @Test
    void aTeacherWhoseInt64InputsAreNotTheStudentsIsRefused() throws Exception {
        EncoderFiles files = EncoderFiles.locate(EncoderFiles.MINILM, dir.resolve("cache"));
        ModelGraph student = TextClassifier.build(new TextClassifierSpec(EncoderFiles.MINILM, L, 3, List.of(1), 32),
                files, 1);
        ModelGraph other = ModelGraph.builder("other")
                .input(new ValueInfo("ids", ValueInfo.ElementType.INT64, new long[] {-1, L}))
                .input(new ValueInfo("mask", ValueInfo.ElementType.INT64, new long[] {-1, L}))
                .initializer("w", Nd4j.ones(DataType.FLOAT, L, 3))
                .node(new Node("cast", "Cast", List.of("ids"), List.of("f"), Map.of("to",
                        (long) onnx.Onnx.TensorProto.DataType.FLOAT_VALUE)))
                .node(new Node("mm", "MatMul", List.of("f", "w"), List.of("logits"), Map.of()))
                .output(new ValueInfo("logits", ValueInfo.ElementType.FLOAT, new long[] {-1, 3})).build();
        Path file = dir.resolve("other.onnx");
        new OnnxExporter().write(other, file);
        RecipeException e = assertThrows(RecipeException.class, () -> TeacherCheck.check(ModelSpec.file(file), AT,
                student));
        assertTrue(e.getMessage().contains("[ids, mask]") && e.getMessage().contains("input_ids"), e.getMessage());
    }
}
