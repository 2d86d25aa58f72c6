package dev.condense.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link ModelGraph}'s annotation invariants, checked by {@code build()}, and {@code masks()} as their view. */
class ModelGraphAnnotationsTest {

    private static final AffineQuantization HALVES = AffineQuantization.perTensor(0.5f, 0, 8, true);

    /** x[-1, 3] -> MatMul(w [3, 2]) -> y; w holds multiples of 0.5 (on HALVES' grid) and a zero at [0, 0]. */
    private static ModelGraph.Builder graph() {
        ValueInfo x = new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 3});
        return ModelGraph.builder("annotated").input(x)
                .initializer("w", Nd4j.createFromArray(new float[][] {{0f, 1.5f}, {-2f, 0.5f}, {3f, -1f}}))
                .node(new Node("mm", "MatMul", List.of("x", "w"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 2}));
    }

    private static INDArray mask() {
        return Nd4j.createFromArray(new float[][] {{0f, 1f}, {1f, 1f}, {1f, 1f}});
    }

    @Test
    void masksAreAViewOfMaskAnnotations() {
        ModelGraph g = graph().mask("w", mask()).annotate("w", HALVES).build();
        assertEquals(List.of("w"), List.copyOf(g.masks().keySet()));
        assertEquals(mask(), g.masks().get("w"));
        assertEquals(List.of("mask", "affine"), g.annotations().get("w").stream().map(TensorAnnotation::kind).toList());
        assertSame(HALVES, g.annotation("w", AffineQuantization.class).orElseThrow());
        assertEquals(Optional.empty(), g.annotation("w", Codebook.class));
        assertEquals(Optional.empty(), g.annotation("x", WeightMask.class));
        assertThrows(UnsupportedOperationException.class, () -> g.annotations().remove("w"));
        assertThrows(UnsupportedOperationException.class, () -> g.annotations().get("w").clear());
        ModelGraph copy = g.toBuilder().removeAnnotation("w", WeightMask.class).build();
        assertTrue(copy.masks().isEmpty());
        assertEquals(List.of("affine"), copy.annotations().get("w").stream().map(TensorAnnotation::kind).toList());
        assertEquals(1, g.masks().size(), "the original keeps its mask");
        assertTrue(g.toBuilder().removeInitializer("w").initializer("w", Nd4j.ones(DataType.FLOAT, 3, 2)).build()
                .annotations().isEmpty(), "removing an initializer drops its annotations");
    }

    @Test
    void aSecondAnnotationOfATypeReplacesTheFirst() {
        AffineQuantization quarters = AffineQuantization.perTensor(0.25f, 0, 8, true);
        ModelGraph g = graph().annotate("w", HALVES).annotate("w", quarters).build();
        assertEquals(List.of(quarters), g.annotations().get("w"));
    }

    @Test
    void valuesMustAgreeWithEveryAnnotation() {
        IllegalStateException unmasked = assertThrows(IllegalStateException.class,
                () -> graph().mask("w", Nd4j.ones(DataType.FLOAT, 3, 2).putScalar(1, 0, 0f)).build());
        assertTrue(unmasked.getMessage().contains("'w'") && unmasked.getMessage().contains("mask"),
                unmasked.getMessage());
        IllegalStateException offGrid = assertThrows(IllegalStateException.class,
                () -> graph().annotate("w", AffineQuantization.perTensor(2f, 0, 8, true)).build());
        assertTrue(offGrid.getMessage().startsWith("affine annotation of initializer 'w': 4 of 6"),
                offGrid.getMessage());
        assertThrows(IllegalStateException.class, () -> graph().mask("w", Nd4j.ones(DataType.FLOAT, 2, 3)).build());
        Codebook book = new Codebook(Nd4j.createFromArray(-2f, -1f, 0f, 0.5f, 1.5f, 3f),
                Nd4j.createFromArray(new int[][] {{2, 4}, {0, 3}, {5, 1}}));
        graph().annotate("w", book).mask("w", mask()).build();
        IllegalStateException both = assertThrows(IllegalStateException.class,
                () -> graph().annotate("w", book).annotate("w", HALVES).build());
        assertTrue(both.getMessage().contains("both"), both.getMessage());
        IllegalStateException notInit = assertThrows(IllegalStateException.class,
                () -> graph().annotate("y", HALVES).build());
        assertTrue(notInit.getMessage().contains("'y'") && notInit.getMessage().contains("not an initializer"),
                notInit.getMessage());
    }

    @Test
    void newValuesForAnAnnotatedTensorAreCheckedAgain() {
        ModelGraph g = graph().annotate("w", HALVES).build();
        INDArray moved = g.initializers().get("w").add(0.1f);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> g.toBuilder().initializer("w", moved).build());
        assertTrue(e.getMessage().contains("AffineQuantization.project"), e.getMessage());
        ModelGraph projected = g.toBuilder().initializer("w", HALVES.project(moved)).build();
        assertEquals(HALVES.project(moved), projected.initializers().get("w"));
        ModelGraph same = g.toBuilder().node(new Node("relu", "Relu", List.of("y"), List.of("z"), Map.of())).build();
        assertSame(g.initializers().get("w"), same.initializers().get("w"));
    }
}
