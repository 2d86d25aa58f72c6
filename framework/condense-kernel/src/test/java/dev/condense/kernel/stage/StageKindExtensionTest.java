package dev.condense.kernel.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.multibindings.MapBinder;
import dev.condense.api.model.ModelGraph;
import dev.condense.kernel.Kernel;
import dev.condense.kernel.inject.KernelConfig;
import dev.condense.kernel.inject.KernelModule;
import dev.condense.kernel.plan.FakeLookup;
import dev.condense.kernel.plugin.PluginStatus;
import dev.condense.kernel.recipe.ModelSpec;
import dev.condense.kernel.run.ModelLoader;
import dev.condense.kernel.run.RunOptions;
import dev.condense.kernel.run.RunResult;
import dev.condense.kernel.schema.RecipeSchema;
import dev.condense.testkit.PluginZipBuilder;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extension story: a stage kind that no kernel source knows ({@link RenameKind}), registered through the
 * {@code MapBinder} by a test module, is parsed, planned, previewed, run and written to recipe.resolved.yaml, and
 * shows up in the schema; the built-in kinds stay registered beside it.
 */
class StageKindExtensionTest {
    @TempDir
    Path dir;

    private Kernel kernel() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginZipBuilder("shadow-rename").source("fx.rename.Rename", PluginZipBuilder.stageSource("fx.rename", "Rename",
                "rename")).writeZip(plugins.resolve("shadow-rename.zip"));
        return Guice.createInjector(new KernelModule(new KernelConfig(plugins, "0.1.0")), new AbstractModule() {
            @Override
            protected void configure() {
                MapBinder.newMapBinder(binder(), String.class, StageKind.class).addBinding("rename").toInstance(new RenameKind());
            }
        }).getInstance(Kernel.class);
    }

    private Path recipe() throws Exception {
        return Files.writeString(dir.resolve("r.yaml"), """
                recipe: renamed
                model: {zoo: lenet-300-100}
                stages:
                  - rename: {from: fc3.weight, to: head.weight}
                  - export
                output: {dir: %s}
                """.formatted(dir.resolve("out")));
    }

    @Test
    void aKindRegisteredByATestModuleParsesPlansPreviewsRunsAndIsResolved() throws Exception {
        Kernel kernel = kernel();
        assertEquals(List.of("cluster", "distill", "encode", "evaluate", "export", "factorize", "prune", "quantize",
                "rename", "train"), List.copyOf(kernel.kinds().ids()));
        Kernel.Validation v = kernel.validate(recipe());
        assertEquals(List.of("rename", "export"), v.plan().stages().stream().map(PlannedStage::kind).toList());
        assertEquals("rename: fc3.weight -> head.weight", v.previews().get(0).lines().get(0));
        assertTrue(v.previews().get(1).graph().initializers().containsKey("head.weight"));

        RunResult r = kernel.run(recipe(), new RunOptions(null, dir.resolve("cache"),
                new PrintStream(OutputStream.nullOutputStream()), false, false));
        JsonNode resolved = new YAMLMapper().readTree(r.outputDir().resolve("recipe.resolved.yaml").toFile());
        assertEquals("head.weight", resolved.at("/stages/0/rename/to").asText());
        assertEquals("fc3.weight", resolved.at("/stages/0/rename/from").asText());
        ModelGraph out = ModelLoader.load(ModelSpec.file(r.outputDir().resolve("model.onnx")), 0);
        assertTrue(out.initializers().containsKey("head.weight"));
        assertFalse(out.initializers().containsKey("fc3.weight"));
    }

    /** The plugin-id guard reads the registered kinds too: a plugin stage named like the test kind is refused. */
    @Test
    void aPluginStageWithTheIdOfARegisteredKindFails() throws Exception {
        PluginStatus s = kernel().pluginStatuses().get(0);
        assertEquals(PluginStatus.State.FAILED, s.state());
        assertTrue(s.reason().contains("'rename' is a built-in stage kind"), s.reason());
    }

    @Test
    void theSchemaAndTheRecipeLoaderUseTheRegisteredKinds() throws Exception {
        Kernel kernel = kernel();
        JsonNode schema = RecipeSchema.generate(new FakeLookup(), kernel.kinds());
        assertTrue(schema.at("/$defs/stage/anyOf/1/properties").has("rename"));
        assertTrue(schema.at("/$defs/stage/anyOf/1/properties").has("prune"));
        assertFalse(RecipeSchema.generate(new FakeLookup()).at("/$defs/stage/anyOf/1/properties").has("rename"),
                "the standard kinds know nothing of the test kind");
    }
}
