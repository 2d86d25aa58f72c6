package dev.condense.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ActivationQuantization;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint of a graph with quantized activations restores them exactly (the ONNX file holds them float). */
class CheckpointActivationsTest {
    @TempDir
    Path dir;

    @Test
    void staticAndDynamicActivationQuantizationsSurviveACheckpoint() throws Exception {
        ModelGraph zoo = Zoo.build("lenet-300-100", 1);
        String input = zoo.inputs().get(0).name();
        String hidden = zoo.nodes().get(zoo.nodes().size() - 2).output();
        ModelGraph g = zoo.toBuilder()
                .quantizeActivation(input, ActivationQuantization.calibrated(
                        AffineQuantization.perTensor(0.0123f, 17, 8, false)))
                .quantizeActivation(hidden, ActivationQuantization.dynamic())
                .build();
        Checkpoints.save(dir, g, new RunState("hash", "prefix", 1, java.util.List.of(), java.util.List.of()));
        ModelGraph back = Checkpoints.load(dir).orElseThrow().graph();
        assertEquals(2, back.activationQuantization().size());
        AffineQuantization a = back.activationQuantization().get(input).affine();
        assertEquals(0.0123f, a.scale().getFloat(0));
        assertEquals(17, a.zeroPoint().getLong(0));
        assertEquals(8, a.bits());
        assertTrue(back.activationQuantization().get(hidden).isDynamic());
        assertEquals(g.nodes(), back.nodes());
    }
}
