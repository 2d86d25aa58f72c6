package dev.condense.engine.train;

import dev.condense.api.model.Node;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The max-norm weight constraint of dropout training (Hinton et al. 2012, "Improving neural networks by preventing
 * co-adaptation of feature detectors"; Srivastava et al. 2014, "Dropout: a simple way to prevent neural networks from
 * overfitting", section 5.1): after every optimizer step, each unit's incoming weight vector {@code w_u} is projected
 * onto the L2 ball of radius {@code c}, {@code w_u <- w_u * c / max(||w_u||_2, c)}, in place. A vector inside the
 * ball is unchanged; one outside keeps its direction and gets norm {@code c}.
 *
 * <p>Units, found in the graph at lowering: the weight (input 1) of every {@code Gemm} ({@code [out, in]} with
 * {@code transB = 1}: one row per unit; {@code [in, out]} without: one column), {@code MatMul} ({@code [in, out]}: one
 * column) and {@code Conv} ({@code [out, C, kh, kw]}: one filter per output channel) that is a trainable weight;
 * the output layer's units are constrained too, biases are not. Norms and scaling run through ND4J (one reduction
 * and one broadcast multiply per weight).
 */
public final class MaxNormProjection implements TrainingHook {
    private final double radius;
    private final Map<String, Integer> unitAxes = new LinkedHashMap<>();

    /** @param radius the ball's radius {@code c}, finite and &gt; 0 */
    public MaxNormProjection(double radius) {
        if (!(radius > 0) || Double.isInfinite(radius)) {
            throw new IllegalArgumentException("max-norm radius must be finite and > 0, was " + radius);
        }
        this.radius = radius;
    }

    /** @throws IllegalArgumentException if the graph has no trainable Gemm, MatMul or Conv weight */
    @Override
    public void lower(Lowering lowering) {
        unitAxes.clear();
        for (Node n : lowering.graph().nodes()) {
            if (n.inputs().size() < 2 || !lowering.trainable().contains(n.inputs().get(1))) {
                continue;
            }
            String w = n.inputs().get(1);
            int rank = lowering.graph().initializer(w).map(INDArray::rank).orElse(0);
            Integer axis = switch (n.opType()) {
                case "Gemm" -> rank == 2 ? (n.intAttr("transB", 0) != 0 ? 0 : 1) : null;
                case "MatMul" -> rank == 2 ? 1 : null;
                case "Conv" -> rank >= 3 ? 0 : null;
                default -> null;
            };
            if (axis != null) {
                unitAxes.putIfAbsent(w, axis);
            }
        }
        if (unitAxes.isEmpty()) {
            throw new IllegalArgumentException("max-norm: graph '" + lowering.graph().name()
                    + "' has no trainable Gemm, MatMul or Conv weight to constrain");
        }
    }

    /** The constrained weights and the axis of their units, in graph order (after {@link #lower}). */
    public Map<String, Integer> units() {
        return Map.copyOf(unitAxes);
    }

    @Override
    public void afterStep(StepState step) {
        unitAxes.forEach((name, axis) -> project(step.weight(name), axis, radius));
    }

    /**
     * Projects every unit of {@code w} onto the ball of radius {@code c}, in place.
     *
     * @param w    weight array, units along {@code axis}
     * @param axis the axis indexing the units
     * @param c    the radius, &gt; 0
     */
    static void project(INDArray w, int axis, double c) {
        int[] others = IntStream.range(0, w.rank()).filter(d -> d != axis).toArray();
        INDArray norms = w.norm2(others);
        INDArray scale = Transforms.max(norms, c, false).rdivi(c);
        Broadcast.mul(w, scale.castTo(w.dataType()), w, axis);
    }
}
