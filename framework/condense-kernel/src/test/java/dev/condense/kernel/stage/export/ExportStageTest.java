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
    void padChannelsDefaultsToFalseAndANonBooleanIsLocated() {
        Path on = write(dir, "on.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\nstages:\n  - export: {pad-channels: true}\n");
        assertTrue(((ExportStageSpec) RecipeLoader.load(on).stages().get(0)).rewrites().padChannels());
        Path bare = write(dir, "bare.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\nstages: [export]\n");
        assertFalse(((ExportStageSpec) RecipeLoader.load(bare).stages().get(0)).rewrites().padChannels());
        Path bad = write(dir, "bad.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\nstages:\n  - export: {pad-channels: 16}\n");
        assertError(() -> RecipeLoader.load(bad), bad, 4, 28, "expected true or false for pad-channels but found");
    }

    @Test
    void inputPatchesDefaultsToFalseAndANonBooleanIsLocated() {
        Path on = write(dir, "on.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\nstages:\n  - export: {input-patches: true}\n");
        assertEquals(new OrtRewrites(false, true), ((ExportStageSpec) RecipeLoader.load(on).stages().get(0)).rewrites());
        Path bad = write(dir, "bad.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\nstages:\n  - export: {input-patches: yes please}\n");
        assertError(() -> RecipeLoader.load(bad), bad, 4, 29, "expected true or false for input-patches but found");
    }

    /**
     * A static int8 resnet-20-small (seeded, BN folded, as the quantize stage annotates it) exported with
     * {@code pad-channels: true}: stage 1's convolutions are written 16 wide, the report lists them and times the
     * file against the unpadded QDQ form; the logits are the unpadded export's.
     */
    @Test
    void padChannelsWidensStageOneAndReportsTheChange() throws Exception {
        ModelGraph g = dev.condense.engine.rewrite.BatchNormFolding.fold(Zoo.build("resnet-20-small", 3)).graph();
        var layers = dev.condense.engine.graph.WeightedLayers.stored(g);
        var p = dev.condense.engine.quant.QdqPlacement.of(g, layers);
        var x = org.nd4j.linalg.factory.Nd4j.getRandomFactory().getNewRandomInstance(5)
                .nextDouble(new long[] {32, 1, 28, 28}).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        var ranges = dev.condense.engine.quant.ActivationCalibration.calibrate(g, x, p.calibrated(),
                dev.condense.api.quant.MinMaxAccumulator::new, 32, 8, false);
        ModelGraph q = dev.condense.engine.quant.StaticQuantization.apply(g, layers, p, ranges, 8, false,
                new dev.condense.engine.quant.StaticQuantization.WeightOptions(8, true, true, false));
        Path out = dir.resolve("padded");
        StageRun r = run(out);
        new ExportStep("onnx", "qdq", new OrtRewrites(true, false), at, dir).run(q, r);
        Map<String, Object> rep = r.context().reported();
        assertTrue(rep.get("padded_convs").toString().contains("s1.b3.conv2: 8 -> 16"), rep.toString());
        assertTrue(rep.containsKey("speedup_vs_unpadded"), rep.toString());
        Path plain = dir.resolve("plain.onnx");
        new dev.condense.engine.onnx.OnnxExporter().write(q, plain);
        try (var a = new dev.condense.engine.runtime.OrtRunner(plain);
             var b = new dev.condense.engine.runtime.OrtRunner(out.resolve("model.onnx"))) {
            assertEquals(0.0, a.run(x).sub(b.run(x)).amax().getDouble(0), "exact");
        }
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
        assertEquals("none (float model)", rep.get("quantized"), "a float graph is not reported as qdq");
    }
}
