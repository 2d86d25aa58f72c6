package dev.condense.kernel.stage.export;

import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.Recipe;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.RecipeLoader;
import dev.condense.kernel.run.RunContext;
import dev.condense.kernel.run.RunOptions;
import dev.condense.kernel.run.StageRun;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export: {quantized}}: parsed with its default and a located error for an unknown form; the integer-only
 * export refuses, at the stage's location and naming the node, an op it cannot put in integers (before any stage
 * runs) and a graph with no quantized layer (at run time, writing nothing); the QDQ export reports ORT's kernels.
 */
class ExportStageTest {
    @TempDir
    Path dir;

    private final Location at = new Location(Path.of("r.yaml"), 4, 5);

    @Test
    void quantizedDefaultsToQdqAndAnUnknownFormIsLocated() {
        Path ok = write(dir, "ok.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\nstages:\n  - export: {quantized: integer}\n");
        Recipe r = RecipeLoader.load(ok);
        assertEquals("integer", ((ExportStageSpec) r.stages().get(0)).quantized());
        Path bare = write(dir, "bare.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\nstages: [export]\n");
        assertEquals("qdq", ((ExportStageSpec) RecipeLoader.load(bare).stages().get(0)).quantized());
        Path bad = write(dir, "bad.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\nstages:\n  - export: {quantized: int8}\n");
        assertError(() -> RecipeLoader.load(bad), bad, 4, 25, "quantized must be one of [qdq, integer], was int8");
    }

    @Test
    void previewRefusesAnOpThatCannotRunInIntegers() {
        ModelGraph g = Zoo.build("lenet-300-100", 1);
        ModelGraph.Builder b = g.toBuilder().clearNodes();
        boolean swapped = false;
        for (Node n : g.nodes()) {
            boolean swap = !swapped && n.opType().equals("Relu");
            swapped |= swap;
            b.node(swap ? new Node(n.name(), "Sigmoid", n.inputs(), n.outputs(), n.attributes()) : n);
        }
        ModelGraph sigmoid = b.build();
        ExportStep step = new ExportStep("onnx", "integer", at, dir);
        RecipeException e = assertThrows(RecipeException.class, () -> step.preview(sigmoid));
        assertTrue(e.toString().contains("r.yaml:4:5") && e.toString().contains("(Sigmoid) cannot run in integers"),
                e.toString());
        step.preview(g); // the float graph's ops are all ones the rewrite takes
        new ExportStep("onnx", "qdq", at, dir).preview(sigmoid);
    }

    private StageRun run(Path out) {
        RunContext ctx = new RunContext(7, 1, null, dir, new RunOptions(null, null,
                new PrintStream(OutputStream.nullOutputStream()), false, false), "test");
        return new StageRun(ctx, out, "1:export", new ArrayList<>(), () -> {
            throw new AssertionError("no latency reference");
        });
    }

    @Test
    void anUnquantizedGraphIsRefusedAtRunAndNothingIsWritten() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        ExportStep step = new ExportStep("onnx", "integer", at, dir);
        RecipeException e = assertThrows(RecipeException.class,
                () -> step.run(Zoo.build("lenet-300-100", 1), run(out)));
        assertTrue(e.toString().contains("integer-only export: node '"), e.toString());
        assertFalse(Files.exists(out.resolve("model.onnx")));
        try (var files = Files.list(out)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void qdqExportReportsBytesAndOrtKernels() {
        Path out = dir.resolve("q");
        StageRun r = run(out);
        new ExportStep("onnx", "qdq", at, dir).run(Zoo.build("lenet-300-100", 1), r);
        Map<String, Object> rep = r.context().reported();
        assertTrue(((Number) rep.get("bytes")).longValue() > 900_000, rep.toString());
        assertTrue(rep.get("ort_kernels").toString().contains("float conv/matmul kernels 3"), rep.toString());
        assertEquals("qdq", rep.get("quantized"));
    }
}
