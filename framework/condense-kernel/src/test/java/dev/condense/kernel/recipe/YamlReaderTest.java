package dev.condense.kernel.recipe;

import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlReaderTest {
    @TempDir
    Path dir;

    private static String at(Location l) {
        return l.line() + ":" + l.column();
    }

    @Test
    void recordsTheLocationOfEveryValueAndKey() {
        Path f = write(dir, "r.yaml", "a: 1\nb:\n  c: 1\n  d: [1, 2]\n  \"x/y~z\": {k: v}\n");
        LocatedTree t = YamlReader.read(f);
        assertEquals(f, t.file());
        assertEquals("1:1", at(t.keyAt("/a")));
        assertEquals("1:4", at(t.at("/a")));
        assertEquals("2:1", at(t.keyAt("/b")));
        assertEquals("3:3", at(t.keyAt("/b/c")));
        assertEquals("3:6", at(t.at("/b/c")));
        assertEquals("4:6", at(t.at("/b/d")));
        assertEquals("4:7", at(t.at("/b/d/0")));
        assertEquals("4:10", at(t.at("/b/d/1")));
        assertEquals("5:3", at(t.keyAt("/b/x~1y~0z")));
        assertEquals("5:16", at(t.at("/b/x~1y~0z/k")));
        assertEquals("v", t.root().at("/b/x~1y~0z/k").asText());
    }

    @Test
    void sharedSmallNumbersKeepTheirOwnLocations() {
        Path f = write(dir, "r.yaml", "a: 8\nb: 8\nc: [8, 8]\n");
        LocatedTree t = YamlReader.read(f);
        assertSame(t.root().get("a"), t.root().get("b"), "Jackson caches small ints; locations must not rely on identity");
        assertEquals("1:4", at(t.at("/a")));
        assertEquals("2:4", at(t.at("/b")));
        assertEquals("3:8", at(t.at("/c/1")));
    }

    @Test
    void absentPathsFallBackToTheNearestAncestor() {
        Path f = write(dir, "r.yaml", "a:\n  b: {c: 1}\n");
        LocatedTree t = YamlReader.read(f);
        assertEquals("2:6", at(t.at("/a/b/missing/deeper")));
        assertEquals("2:6", at(t.keyAt("/a/b/missing")));
    }

    @Test
    void typesScalarsLikeYaml() {
        Path f = write(dir, "r.yaml", "i: 3\nl: 12345678901\nd: 1.0e-3\nb: true\nn: null\ns: '3'\nt: ~\n");
        LocatedTree t = YamlReader.read(f);
        assertEquals(3, t.root().get("i").intValue());
        assertEquals(12345678901L, t.root().get("l").longValue());
        assertEquals(1e-3, t.root().get("d").doubleValue());
        assertEquals(true, t.root().get("b").booleanValue());
        assertEquals(true, t.root().get("n").isNull());
        assertEquals(true, t.root().get("s").isTextual());
        assertEquals(true, t.root().get("t").isNull());
    }

    @Test
    void missingFileIsLocatedAtTheFileItself() {
        Path f = dir.resolve("nope.yaml");
        RecipeException e = assertError(() -> YamlReader.read(f), f, 0, 0, "recipe file not found");
        assertEquals(f + ":0:0: recipe file not found", e.getMessage());
    }

    @Test
    void syntaxErrorsUseJacksonsLocation() {
        Path f = write(dir, "r.yaml", "a: 1\nb: [1, 2\nc: 3\n");
        assertError(() -> YamlReader.read(f), f, 3, 2, "invalid YAML");
    }

    @Test
    void badIndentationIsASyntaxError() {
        Path f = write(dir, "r.yaml", "a:\n  b: 1\n c: 2\n");
        assertError(() -> YamlReader.read(f), f, 3, 2, "invalid YAML");
    }

    /** SnakeYAML reports this one as a bare YAMLException, without a mark; CI found it through RecipePropertiesTest. */
    @Test
    void unterminatedQuoteBeforeAMappingIsASyntaxError() {
        Path f = write(dir, "r.yaml", "a:\n  b:\n    c:\n      d: \"3\n      e:\n        f: 1\ng:\n  h: \"x\"\n");
        assertError(() -> YamlReader.read(f), f, 8, 7, "invalid YAML", "simple key");
    }

    @Test
    void duplicateKeysAreRejected() {
        Path f = write(dir, "r.yaml", "a: 1\nb: 2\na: 3\n");
        assertError(() -> YamlReader.read(f), f, 3, 1, "duplicate key 'a'", "first at line 1");
    }

    @Test
    void emptyAndMultiDocumentFilesAreRejected() {
        Path empty = write(dir, "e.yaml", "# nothing\n");
        assertError(() -> YamlReader.read(empty), empty, 1, 1, "empty");
        Path two = write(dir, "t.yaml", "a: 1\n---\nb: 2\n");
        assertError(() -> YamlReader.read(two), two, 3, 1, "single YAML document");
    }
}
