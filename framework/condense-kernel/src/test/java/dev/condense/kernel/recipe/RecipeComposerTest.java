package dev.condense.kernel.recipe;

import dev.condense.kernel.stage.prune.PruneStageSpec;
import dev.condense.kernel.stage.train.TrainStageSpec;
import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.condense.api.train.TrainSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeComposerTest {
    private static final String BASE = """
            recipe: base
            seed: 3
            model: {zoo: lenet-300-100}
            data: {dataset: mnist, validation: 0.1}
            stages:
              - train: {epochs: 2, batch: 64}
            output: {dir: out/base}
            """;

    @TempDir
    Path dir;

    @Test
    void mapsMergeKeyByKeyAndTheIncludingFileWins() {
        write(dir, "base.yaml", BASE);
        Path child = write(dir, "child.yaml", """
                extends: base.yaml
                recipe: child
                data: {validation: 0.2}
                """);
        Recipe r = RecipeLoader.load(child);
        assertEquals("child", r.name());
        assertEquals(3, r.seed());
        assertEquals("mnist", r.data().orElseThrow().dataset());
        assertEquals(0.2, r.data().orElseThrow().validation());
        assertEquals(child, r.source());
    }

    @Test
    void listsReplaceAndChainsFollow() throws Exception {
        Files.createDirectories(dir.resolve("lib"));
        write(dir.resolve("lib"), "base.yaml", BASE);
        write(dir.resolve("lib"), "middle.yaml", "extends: base.yaml\nseed: 5\n");
        Path top = write(dir, "top.yaml", """
                extends: lib/middle.yaml
                stages:
                  - train: {epochs: 1}
                  - export
                """);
        Recipe r = RecipeLoader.load(top);
        assertEquals(5, r.seed());
        assertEquals(2, r.stages().size());
        TrainSpec train = ((TrainStageSpec) r.stages().get(0)).spec();
        assertEquals(1, train.epochs());
        assertEquals(128, train.batch(), "the base's list is replaced, not merged item by item");
    }

    @Test
    void anErrorInAnInheritedValuePointsIntoTheBaseFile() {
        Path base = write(dir, "base.yaml", BASE.replace("epochs: 2", "epochs: two"));
        Path child = write(dir, "child.yaml", "extends: base.yaml\nrecipe: child\n");
        assertError(() -> RecipeLoader.load(child), base, 6, 21, "expected an integer for epochs");
        Path child2 = write(dir, "child2.yaml", "extends: base.yaml\ndata: {validaton: 0.2}\n");
        assertError(() -> RecipeLoader.load(child2), child2, 2, 8, "unknown key 'validaton'", "did you mean 'validation'");
    }

    @Test
    void nullRemovesAnInheritedKey() throws Exception {
        write(dir, "base.yaml", BASE);
        Files.writeString(dir.resolve("m.onnx"), "x");
        Path child = write(dir, "child.yaml", "extends: base.yaml\nmodel: {zoo: null, file: m.onnx}\n");
        assertEquals(dir.resolve("m.onnx"), RecipeLoader.load(child).model().file());
    }

    @Test
    void cyclesAndMissingBasesAreLocatedErrors() {
        Path a = write(dir, "a.yaml", "extends: b.yaml\nrecipe: a\n");
        Path b = write(dir, "b.yaml", "recipe: b\nextends: a.yaml\n");
        assertError(() -> RecipeLoader.load(a), b, 2, 10, "extends cycle: a.yaml -> b.yaml -> a.yaml");
        Path self = write(dir, "self.yaml", "extends: self.yaml\n");
        assertError(() -> RecipeLoader.load(self), self, 1, 10, "extends cycle: self.yaml -> self.yaml");
        Path missing = write(dir, "m.yaml", "extends: nope.yaml\n");
        assertError(() -> RecipeLoader.load(missing), missing, 1, 10, "base recipe not found");
        Path list = write(dir, "l.yaml", "extends: [a.yaml]\n");
        assertError(() -> RecipeLoader.load(list), list, 1, 10, "expected a string for extends");
        Path scalarBase = write(dir, "s.yaml", "just text\n");
        Path child = write(dir, "c.yaml", "extends: s.yaml\n");
        assertError(() -> RecipeLoader.load(child), scalarBase, 1, 1, "a base recipe must be a mapping");
    }

    @Test
    void composedTreeHoldsNeitherExtendsNorVars() {
        write(dir, "base.yaml", BASE);
        Path child = write(dir, "child.yaml", "extends: base.yaml\nvars: {s: 4}\nseed: ${s}\n");
        LocatedTree tree = RecipeComposer.compose(child, List.of());
        assertFalse(tree.root().has("extends"));
        assertFalse(tree.root().has("vars"));
        assertEquals(4, tree.root().get("seed").intValue());
        assertEquals(new Location(child, 2, 11), tree.at("/seed"), "where the var is written");
        assertEquals(new Location(dir.resolve("base.yaml"), 3, 8), tree.at("/model"));
    }

    @Test
    void theDocumentedExampleComposes() {
        write(dir, "base.yaml", """
                recipe: lenet-base
                model: {zoo: lenet-300-100}
                data: {dataset: mnist}
                vars: {epochs: 8, sparsity: 0.9}
                stages:
                  - train: {epochs: "${epochs}"}
                  - prune: {scorer: magnitude, sparsity: {default: "${sparsity}"}, layers: {exclude: [fc3.weight]}}
                  - export
                """);
        Path quick = write(dir, "quick.yaml", """
                extends: base.yaml
                recipe: lenet-quick
                vars: {epochs: 1}
                data: {train-limit: 2000}
                """);
        Recipe r = RecipeLoader.load(quick, RecipeOverride.parseAll(List.of("sparsity=0.5", "data.train-limit=500")));
        assertEquals("lenet-quick", r.name());
        assertEquals(500, r.data().orElseThrow().trainLimit());
        TrainSpec train = ((TrainStageSpec) r.stages().get(0)).spec();
        assertEquals(1, train.epochs());
        assertEquals(128, train.batch());
        PruneStageSpec prune = (PruneStageSpec) r.stages().get(1);
        assertEquals(java.util.OptionalDouble.of(0.5), prune.sparsity().sparsityFor("fc1.weight"));
        assertFalse(prune.layers().test("fc3.weight"));
    }
}
