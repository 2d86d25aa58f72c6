package dev.condense.kernel.recipe;

import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VarSubstitutionTest {
    @TempDir
    Path dir;

    private LocatedTree compose(String yaml) {
        return RecipeComposer.compose(write(dir, "r.yaml", yaml), List.of());
    }

    @Test
    void aWholeReferenceKeepsTheVarsType() {
        LocatedTree t = compose("""
                vars: {lr: 1.0e-3, epochs: 4, quick: true, name: demo, opt: {adam: {lr: 0.01}}}
                a: ${lr}
                b: ${epochs}
                c: ${quick}
                d: "${name}"
                e: ${opt}
                """);
        assertTrue(t.root().get("a").isDouble());
        assertEquals(0.001, t.root().get("a").doubleValue());
        assertTrue(t.root().get("b").isInt());
        assertTrue(t.root().get("c").isBoolean());
        assertEquals("demo", t.root().get("d").textValue());
        assertEquals(0.01, t.root().at("/e/adam/lr").doubleValue());
    }

    @Test
    void defaultsAreTypedAndInterpolationMakesText() {
        LocatedTree t = compose("""
                vars: {run: quick, n: 3}
                a: ${missing:-0.5}
                b: ${missing:-fc1.weight}
                c: runs/${run}-${n}
                d: $${literal}
                e: ${n:-9}
                f: ${missing:-}
                """);
        assertEquals(0.5, t.root().get("a").doubleValue());
        assertEquals("fc1.weight", t.root().get("b").textValue());
        assertEquals("runs/quick-3", t.root().get("c").textValue());
        assertEquals("${literal}", t.root().get("d").textValue());
        assertEquals(3, t.root().get("e").intValue());
        assertEquals("", t.root().get("f").textValue());
    }

    @Test
    void substitutedValuesAreCheckedWhereTheVarIsWritten() {
        Path f = write(dir, "r.yaml", """
                recipe: demo
                vars: {epochs: eight}
                model: {zoo: lenet-300-100}
                data: {dataset: mnist}
                stages:
                  - train: {epochs: "${epochs}"}
                """);
        Path g = write(dir, "g.yaml", Fixtures.read(f).replace("${epochs}", "${epochs:-3}"));
        assertError(() -> RecipeLoader.load(g), g, 2, 16, "expected an integer for epochs");
        assertError(() -> RecipeLoader.load(f), f, 2, 16, "expected an integer for epochs but found string \"eight\"");
    }

    @Test
    void unknownAndMalformedReferencesAreLocatedErrors() {
        Path f = write(dir, "r.yaml", "vars: {rate: 1}\na: 1\nb: x${rte}y\n");
        assertError(() -> RecipeComposer.compose(f, List.of()), f, 3, 4, "unknown var 'rte'", "did you mean 'rate'", "declared vars: rate");
        Path g = write(dir, "r.yaml", "a: ${nothing}\n");
        assertError(() -> RecipeComposer.compose(g, List.of()), g, 1, 4, "unknown var 'nothing'", "declares no vars");
        Path h = write(dir, "r.yaml", "a: x${open\n");
        assertError(() -> RecipeComposer.compose(h, List.of()), h, 1, 4, "unclosed '${'");
        Path i = write(dir, "r.yaml", "a: ${1x}\n");
        assertError(() -> RecipeComposer.compose(i, List.of()), i, 1, 4, "invalid var reference '${1x}'");
        Path j = write(dir, "r.yaml", "vars: [a]\n");
        assertError(() -> RecipeComposer.compose(j, List.of()), j, 1, 7, "expected a mapping of names to values for vars");
        Path k = write(dir, "r.yaml", "vars: {m: {a: 1}}\na: x${m}\n");
        assertError(() -> RecipeComposer.compose(k, List.of()), k, 2, 4, "only a scalar can be part of a longer text");
        Path l = write(dir, "r.yaml", "vars: {a.b: 1}\n");
        assertError(() -> RecipeComposer.compose(l, List.of()), l, 1, 8, "var name 'a.b'");
    }
}
