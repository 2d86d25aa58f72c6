package dev.condense.kernel.recipe;

import dev.condense.kernel.stage.prune.PruneStageSpec;
import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerFilterTest {
    private static final String HEADER = "recipe: demo\nmodel: {zoo: lenet-300-100}\nstages:\n  - prune:\n"
            + "      scorer: magnitude\n      sparsity: 0.5\n";

    @TempDir
    Path dir;

    private LayerFilter filter(String layers) {
        Path f = write(dir, "r.yaml", HEADER + layers);
        return ((PruneStageSpec) RecipeLoader.load(f).stages().get(0)).layers();
    }

    @Test
    void includeThenExcludeWithExactNamesAndRegexes() {
        LayerFilter f = filter("      layers: {include: [\"re:fc[12].*\", fc3.weight], exclude: [fc2.weight]}\n");
        assertTrue(f.test("fc1.weight"));
        assertFalse(f.test("fc2.weight"));
        assertTrue(f.test("fc3.weight"));
        assertFalse(f.test("fc3.weight.extra"), "an exact name is not a prefix");
        assertFalse(f.test("conv1.weight"));
        assertEquals(3, f.patterns().size());
        Path file = dir.resolve("r.yaml");
        assertEquals(new Location(file, 7, 26), f.include().get(0).location());
        assertEquals(new Location(file, 7, 64), f.exclude().get(0).location());
    }

    @Test
    void excludeAloneKeepsEveryOtherLayerAndNoKeyMeansAll() {
        LayerFilter f = filter("      layers:\n        exclude: [\"re:.*bias\"]\n");
        assertTrue(f.test("fc1.weight"));
        assertFalse(f.test("fc1.bias"));
        assertSame(LayerFilter.ALL, filter(""));
        assertTrue(LayerFilter.ALL.test("anything"));
    }

    @Test
    void unmatchedPatternsKeepTheirLocations() {
        LayerFilter f = filter("      layers: {include: [fc1.weight, fc9.weight], exclude: [\"re:conv.*\"]}\n");
        List<LayerPattern> unmatched = f.unmatched(List.of("fc1.weight", "fc2.weight"));
        assertEquals(List.of("fc9.weight", "re:conv.*"), unmatched.stream().map(LayerPattern::pattern).toList());
        assertEquals(7, unmatched.get(0).location().line());
        assertEquals(38, unmatched.get(0).location().column());
    }

    @Test
    void badFiltersAreLocatedErrors() {
        Path f = write(dir, "r.yaml", HEADER + "      layers: {include: []}\n");
        assertError(() -> RecipeLoader.load(f), f, 7, 25, "include must list at least one layer");
        Path g = write(dir, "r.yaml", HEADER + "      layers: {inclde: [a]}\n");
        assertError(() -> RecipeLoader.load(g), g, 7, 16, "unknown key 'inclde'", "did you mean 'include'");
        Path h = write(dir, "r.yaml", HEADER + "      layers: {exclude: [\"re:(\"]}\n");
        assertError(() -> RecipeLoader.load(h), h, 7, 26, "invalid regex in layer pattern 're:('");
        Path i = write(dir, "r.yaml", HEADER + "      layers: {exclude: [3]}\n");
        assertError(() -> RecipeLoader.load(i), i, 7, 26, "expected a string");
        Path j = write(dir, "r.yaml", HEADER + "      layers: [fc1.weight]\n");
        assertError(() -> RecipeLoader.load(j), j, 7, 15, "expected a mapping for layers");
    }
}
