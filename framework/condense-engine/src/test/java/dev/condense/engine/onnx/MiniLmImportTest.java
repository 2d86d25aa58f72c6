package dev.condense.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.data.EsnliFiles;
import dev.condense.engine.data.PairSplits;
import dev.condense.engine.data.SentencePair;
import dev.condense.engine.fixtures.MiniLm;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.tokenize.PairTokenizer;
import dev.condense.engine.train.Inference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The real all-MiniLM-L6-v2 ONNX model imported with sequence length 128 is exact: on 100 real e-SNLI pairs
 * (the first 100 validation rows of the pool cut with seed 7, validation 0.1, test 0.2), the engine's export run
 * in ONNX Runtime and the SameDiff forward pass both give the original model's {@code last_hidden_state} within
 * 1e-4 (max absolute difference over all 100 x 128 x 384 values, padding positions included), and the export keeps
 * the dynamic batch.
 */
class MiniLmImportTest {
    static final long LENGTH = 128;

    @TempDir
    static Path dir;

    @Test
    void importedMiniLmMatchesTheOriginalInOrtAndSameDiff() throws Exception {
        Optional<Path> esnli = EsnliFiles.locate(Path.of(""));
        assumeTrue(esnli.isPresent(), "e-SNLI not found at <ancestor>/shared/datasets/esnli");
        Path model = MiniLm.model(dir);
        ModelGraph g = new OnnxImporter().withDimensions(Map.of("sequence_length", LENGTH)).read(model);
        Set<String> ops = g.nodes().stream().map(Node::opType).collect(Collectors.toCollection(java.util.TreeSet::new));
        assertEquals(Set.of("Add", "Cast", "Div", "Erf", "Gather", "MatMul", "Mul", "Pow", "ReduceMean", "Reshape",
                "Softmax", "Sqrt", "Sub", "Transpose", "Unsqueeze"), ops, "shape chains folded away");
        assertArrayEquals(new long[] {-1, LENGTH}, g.inputs().get(0).shape());

        List<SentencePair> pairs = PairSplits.esnli(esnli.get(), 0.1, 0.2, 7).validation().subList(0, 100);
        PairTokenizer.EncodedPairs x;
        try (PairTokenizer tok = PairTokenizer.open(MiniLm.tokenizer(dir), (int) LENGTH)) {
            x = tok.encode(pairs.stream().map(SentencePair::premise).toList(),
                    pairs.stream().map(SentencePair::hypothesis).toList(), i -> pairs.get(i).source());
        }
        Path exported = dir.resolve("exported.onnx");
        new OnnxExporter().write(g, exported);
        INDArray original;
        INDArray ort;
        try (OrtRunner a = new OrtRunner(model); OrtRunner b = new OrtRunner(exported)) {
            original = a.runAll(x.byName()).get("last_hidden_state");
            ort = b.runAll(x.byName()).get("last_hidden_state");
            INDArray three = b.runAll(x.rows(0, 3).byName()).get("last_hidden_state");
            assertArrayEquals(new long[] {3, LENGTH, 384}, three.shape(), "dynamic batch kept at export");
        }
        INDArray sameDiff = Inference.run(g, x.byName()).get("last_hidden_state");
        assertArrayEquals(new long[] {100, LENGTH, 384}, original.shape());
        double ortDiff = maxAbsDiff(original, ort);
        double sdDiff = maxAbsDiff(original, sameDiff);
        System.out.printf("MiniLM L=%d, 100 e-SNLI pairs: max |ORT(export) - original| = %.3g, "
                + "max |SameDiff - original| = %.3g, max |original| = %.3g%n", LENGTH, ortDiff, sdDiff,
                original.amaxNumber().doubleValue());
        assertTrue(ortDiff <= 1e-4, "ORT on the export differs by " + ortDiff);
        assertTrue(sdDiff <= 1e-4, "SameDiff differs by " + sdDiff);
    }

    @Test
    void withoutAFixedSequenceLengthTheErrorNamesTheSymbolicDimension() {
        Path model = MiniLm.model(dir);
        String msg = org.junit.jupiter.api.Assertions.assertThrows(OnnxFormatException.class,
                () -> new OnnxImporter().read(model)).getMessage();
        assertTrue(msg.contains("graph input 'input_ids' has the symbolic dimension 'sequence_length' at position 1"),
                msg);
    }

    static double maxAbsDiff(INDArray a, INDArray b) {
        return Transforms.abs(a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .sub(b.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE))).maxNumber().doubleValue();
    }
}
