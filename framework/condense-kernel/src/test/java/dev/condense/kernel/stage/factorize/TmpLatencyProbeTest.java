package dev.condense.kernel.stage.factorize;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.recipe.Fixtures;
import dev.condense.kernel.recipe.RecipeLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TmpLatencyProbeTest {
    @Test
    void probe() {
        ModelGraph g = Zoo.build("vgg-small", 5);
        Path r = Fixtures.write(Path.of("/tmp/lat"), "probe.yaml", "recipe: demo\nmodel: {zoo: vgg-small}\nstages:\n"
                + "  - factorize: {decomposition: test-tucker, layers: {exclude: [b1.conv1.weight]}, target-macs: 0.32,"
                + " rank-multiple: 8}\n");
        FactorizeStageSpec spec = (FactorizeStageSpec) RecipeLoader.load(r).stages().get(0);
        FactorizeStep step = new FactorizeStep(spec, new MacBudgetTest.TestTucker(), new MacBudgetTest.Ranks(1, 1), List.of());
        ModelGraph f = step.factorize(g).graph();
        new OnnxExporter().write(g, Path.of("/tmp/lat/probe-dense.onnx"));
        new OnnxExporter().write(f, Path.of("/tmp/lat/probe-fact.onnx"));
        for (int i = 0; i < 40; i++) {
            var c = LatencyRanks.compare(g, f, 128);
            System.out.println("PROBE compare: " + c.speedupMedian() + " ref " + c.reference().medianMillis() + " model " + c.model().medianMillis());
        }
        step.factorize(g).rows().forEach(x -> System.out.println("PROBE row " + x.describe()));
    }
}
