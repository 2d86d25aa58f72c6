package dev.condense.kernel.recipe;

import dev.condense.kernel.stage.train.TrainStageSpec;
import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlAliasTest {
    @TempDir
    Path dir;

    private static String at(Location l) {
        return l.line() + ":" + l.column();
    }

    @Test
    void anAliasIsACopyOfTheAnchoredNodeWithItsLocations() {
        Path f = write(dir, "r.yaml", "a: &m {x: 1, y: [2, 3]}\ns: &s 'text'\nb: *m\nc: *s\nl: &l [4]\nd: *l\n");
        LocatedTree t = YamlReader.read(f);
        assertEquals(t.root().get("a"), t.root().get("b"));
        assertEquals("text", t.root().get("c").asText());
        assertEquals(4, t.root().get("d").get(0).intValue());
        assertEquals("3:4", at(t.at("/b")), "the copy itself is located at the alias");
        assertEquals("1:11", at(t.at("/b/x")), "values inside keep where the anchor wrote them");
        assertEquals("1:8", at(t.keyAt("/b/x")));
        assertEquals("1:21", at(t.at("/b/y/1")));
        assertEquals("4:4", at(t.at("/c")));
    }

    @Test
    void aliasedTrainParamsGiveTheSameRecipeAsSpelledOut() {
        String head = "recipe: r\nmodel: {zoo: lenet-300-100}\ndata: {dataset: mnist}\nstages:\n";
        Path aliased = write(dir, "a.yaml", head + "  - train: &t {epochs: 2, batch: 64, optimizer: {adam: {lr: 0.01}}}\n"
                + "  - prune: {scorer: magnitude, sparsity: {default: 0.5}}\n  - train: *t\n");
        Path spelled = write(dir, "s.yaml", head + "  - train: {epochs: 2, batch: 64, optimizer: {adam: {lr: 0.01}}}\n"
                + "  - prune: {scorer: magnitude, sparsity: {default: 0.5}}\n"
                + "  - train: {epochs: 2, batch: 64, optimizer: {adam: {lr: 0.01}}}\n");
        Recipe a = RecipeLoader.load(aliased);
        Recipe s = RecipeLoader.load(spelled);
        for (int i : new int[] {0, 2}) {
            assertEquals(((TrainStageSpec) s.stages().get(i)).spec(), ((TrainStageSpec) a.stages().get(i)).spec());
        }
        assertEquals(3, a.stages().size());
    }

    @Test
    void errorsInsideAnAliasedNodePointWhereTheValueIsWritten() {
        Path g = write(dir, "g.yaml", "recipe: r\nmodel: {zoo: lenet-300-100}\ndata: {dataset: &d mnist}\n"
                + "stages:\n  - train: &t {epochs: -1}\n  - train: *t\n");
        assertError(() -> RecipeLoader.load(g), g, 5, 24, "epochs");
    }

    @Test
    void anUndefinedAliasIsALocatedError() {
        Path f = write(dir, "r.yaml", "a: 1\nstages:\n  - train: *nope\n");
        assertError(() -> YamlReader.read(f), f, 3, 12, "undefined alias *nope");
    }

    @Test
    void anAliasInsideItsOwnAnchorIsAnError() {
        Path f = write(dir, "r.yaml", "a: &loop [1, *loop]\n");
        assertError(() -> YamlReader.read(f), f, 1, 14, "recursive alias");
    }

    @Test
    void anAliasAsAKeyIsAClearError() {
        Path f = write(dir, "r.yaml", "a: &k name\n*k : 5\n");
        assertError(() -> YamlReader.read(f), f, 2, 1, "alias (*k) cannot be a mapping key");
    }

    @Test
    void mergeKeysAddTheKeysAMappingDoesNotWrite() {
        Path f = write(dir, "r.yaml", "base: &b {x: 1, y: 2}\nmore: &m {y: 3, z: 4}\n"
                + "one: {<<: *b, x: 9}\nmany: {w: 0, <<: [*b, *m]}\nlate: {<<: *b, y: 7}\n");
        LocatedTree t = YamlReader.read(f);
        assertEquals("{\"x\":9,\"y\":2}", t.root().get("one").toString());
        assertEquals("{\"w\":0,\"x\":1,\"y\":2,\"z\":4}", t.root().get("many").toString());
        assertEquals("{\"x\":1,\"y\":7}", t.root().get("late").toString());
        assertEquals("1:20", at(t.at("/one/y")), "a merged value keeps where the anchor wrote it");
        assertEquals("5:19", at(t.at("/late/y")));
    }

    @Test
    void mergeKeysTakeMappingsOnly() {
        Path f = write(dir, "r.yaml", "s: &s text\nm: {<<: *s}\n");
        assertError(() -> YamlReader.read(f), f, 2, 9, "merge key '<<' takes a mapping");
        Path g = write(dir, "g.yaml", "m: {a: 1, a: 2}\n");
        assertError(() -> YamlReader.read(g), g, 1, 11, "duplicate key 'a'");
    }

    @Test
    void aBillionLaughsDocumentHitsTheExpansionLimitQuickly() {
        StringBuilder y = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 0; i < 9; i++) {
            String prev = "*" + (char) ('a' + i);
            y.append("l").append(i).append(": &").append((char) ('b' + i)).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, prev))).append("]\n");
        }
        Path f = write(dir, "lol.yaml", y.toString());
        RecipeException e = org.junit.jupiter.api.Assertions.assertThrows(RecipeException.class, () -> YamlReader.read(f));
        assertTrue(e.detail().contains("expands to more than 100,000 nodes"), e.getMessage());
        assertTrue(e.location().line() >= 6 && e.location().line() <= 7, e.getMessage());
    }

    @Test
    void aliasesNestedUnderLongKeysHitThePathLimit() {
        String key = "k".repeat(1000); // YAML caps implicit keys at 1024 characters
        StringBuilder y = new StringBuilder("a0: &a0 {" + key + ": 1}\n");
        for (int i = 1; i < 200; i++) {
            y.append("a").append(i).append(": &a").append(i).append(" {").append(key).append(": *a").append(i - 1).append("}\n");
        }
        Path f = write(dir, "deep.yaml", y.toString());
        RecipeException e = org.junit.jupiter.api.Assertions.assertThrows(RecipeException.class, () -> YamlReader.read(f));
        assertTrue(e.detail().contains("expands to more than"), e.getMessage());
    }

    @Test
    void aliasesCannotNestDeeperThanTheTextMay() {
        StringBuilder y = new StringBuilder("a0: &a0 [x]\n");
        for (int i = 1; i < 5; i++) {
            y.append("a").append(i).append(": &a").append(i).append(' ').append("[".repeat(900)).append("*a")
                    .append(i - 1).append("]".repeat(900)).append('\n');
        }
        Path f = write(dir, "deep.yaml", y.toString());
        assertError(() -> YamlReader.read(f), f, 3, 909, "nests more than 1,000 levels deep");
    }
}
