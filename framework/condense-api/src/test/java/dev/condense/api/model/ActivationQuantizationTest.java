package dev.condense.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** Activation quantizations: per tensor, 2-8 bits, only on graph inputs and node outputs, kept by toBuilder. */
class ActivationQuantizationTest {
    private static final ActivationQuantization U8 =
            ActivationQuantization.calibrated(AffineQuantization.perTensor(0.5f, 3, 8, false));

    private static ModelGraph.Builder graph() {
        return ModelGraph.builder("g").input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 3}))
                .initializer("w", Nd4j.ones(3, 2))
                .node(new Node("mm", "MatMul", List.of("x", "w"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 2}));
    }

    @Test
    void inputsAndNodeOutputsCarryThemThroughToBuilder() {
        ModelGraph g = graph().quantizeActivation("x", U8).quantizeActivation("y", ActivationQuantization.dynamic())
                .build();
        assertEquals(U8, g.activationQuantization().get("x"));
        assertTrue(g.activationQuantization().get("y").isDynamic());
        assertEquals(g.activationQuantization(), g.toBuilder().build().activationQuantization());
        assertEquals(Map.of("y", ActivationQuantization.dynamic()),
                g.toBuilder().removeActivationQuantization("x").build().activationQuantization());
        assertEquals("static uint8 scale 0.5 zp 3", U8.describe());
    }

    @Test
    void initializersUnknownTensorsPerChannelAnd32BitsAreRejected() {
        assertThrows(IllegalStateException.class, () -> graph().quantizeActivation("w", U8).build());
        assertThrows(IllegalStateException.class, () -> graph().quantizeActivation("nope", U8).build());
        assertThrows(IllegalArgumentException.class, () -> ActivationQuantization.calibrated(
                AffineQuantization.perChannel(new float[] {1, 1}, new long[] {0, 0}, 0, 8, true)));
        assertThrows(IllegalArgumentException.class, () -> ActivationQuantization.calibrated(
                AffineQuantization.perTensor(1, 0, 32, true)));
    }
}
