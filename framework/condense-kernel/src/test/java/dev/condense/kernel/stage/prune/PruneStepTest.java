package dev.condense.kernel.stage.prune;

import dev.condense.kernel.plan.FakeLookup;
import dev.condense.kernel.plan.Planner;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.RecipeLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneStepTest {
    private static final List<String> LAYERS = List.of("fc1.weight", "fc2.weight", "fc3.weight");

    @TempDir
    Path dir;

    private PruneStep step(String body) {
        Path f = write(dir, "r.yaml", "recipe: demo\nmodel: {zoo: lenet-300-100}\nstages:\n  - prune:\n" + body);
        return assertInstanceOf(PruneStep.class, new Planner(new FakeLookup()).plan(RecipeLoader.load(f)).stages().get(0));
    }

    @Test
    void theFilterComesBeforeTheSparsityRule() {
        PruneStep p = step("      scorer: magnitude\n      sparsity: {default: 0.5, fc2.weight: 0.7}\n"
                + "      layers: {exclude: [fc2.weight]}\n");
        assertEquals(OptionalDouble.of(0.5), p.targetSparsity("fc1.weight"));
        assertEquals(OptionalDouble.empty(), p.targetSparsity("fc2.weight"));
        assertEquals(List.of(), p.unmatched(LAYERS));
    }

    @Test
    void reportsEverySelectorAndPatternMatchingNoLayerAtItsLocation() {
        PruneStep p = step("      scorer: magnitude\n      sparsity: {default: 0.5, fc4.weight: 0.7}\n"
                + "      layers: {include: [\"re:fc.*\"], exclude: [conv1.weight]}\n");
        List<RecipeException> problems = p.unmatched(LAYERS);
        assertEquals(2, problems.size());
        assertEquals("6:32", problems.get(0).location().line() + ":" + problems.get(0).location().column());
        assertEquals("7:48", problems.get(1).location().line() + ":" + problems.get(1).location().column());
        assertEquals("layers exclude pattern 'conv1.weight' matches no prunable layer; layers: fc1.weight, fc2.weight,"
                + " fc3.weight", problems.get(1).detail());
    }

    @Test
    void aSelectorWrittenAsANodeNameIsToldTheLayerName() {
        PruneStep p = step("      scorer: magnitude\n      sparsity: {default: 0.5, \"/fc2/Gemm\": 0.7}\n");
        var byNode = new java.util.LinkedHashMap<String, String>();
        byNode.put("/fc1/Gemm", "fc1.weight");
        byNode.put("/fc2/Gemm", "fc2.weight");
        List<RecipeException> problems = p.unmatched(byNode.values(), byNode);
        assertEquals(1, problems.size());
        assertEquals("selector '/fc2/Gemm' matches no prunable layer; it names node /fc2/Gemm, whose layer name is "
                + "fc2.weight (condense inspect shows both); layers: fc1.weight, fc2.weight", problems.get(0).detail());
        assertEquals(List.of(), step("      scorer: magnitude\n      sparsity: {default: 0.5, fc2.weight: 0.7}\n")
                .unmatched(byNode.values(), byNode));
    }
}
