package dev.condense.engine.train;

import dev.condense.api.model.ModelGraph;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The lowering phase of a training run ({@link TrainingHook#lower}): the student graph about to be lowered, its
 * trainable weights, and the weight and activation views hooks register. Views registered for the same weight compose in
 * registration order (the second reads the first's result).
 */
public final class Lowering {
    private final ModelGraph graph;
    private final Set<String> trainable;
    private final Map<String, WeightView> views = new LinkedHashMap<>();
    private final Map<String, ActivationView> activations = new LinkedHashMap<>();

    Lowering(ModelGraph graph, Set<String> trainable) {
        this.graph = graph;
        this.trainable = Set.copyOf(trainable);
    }

    /** The student graph (not modified by training). */
    public ModelGraph graph() {
        return graph;
    }

    /** Names of the initializers the optimizer updates ({@link SameDiffLowering#trainableInitializers}). */
    public Set<String> trainable() {
        return trainable;
    }

    /**
     * Makes the consumers of trainable initializer {@code weight} read {@code view} of it.
     *
     * @throws IllegalArgumentException if {@code weight} is not a trainable initializer of the graph
     */
    public void view(String weight, WeightView view) {
        if (!trainable.contains(weight)) {
            throw new IllegalArgumentException("'" + weight + "' is not a trainable weight of graph '" + graph.name()
                    + "' (trainable: the initializers read by Gemm, MatMul, Conv, ConvTranspose, Add and "
                    + "BatchNormalization scale/bias)");
        }
        views.merge(weight, view, WeightView::then);
    }

    /**
     * Makes the nodes that read tensor {@code tensor} (a graph input or a node output) read {@code view} of it.
     * Views registered for the same tensor compose in registration order.
     *
     * @throws IllegalArgumentException if {@code tensor} is neither a graph input nor a node output
     */
    public void activation(String tensor, ActivationView view) {
        boolean produced = graph.inputs().stream().anyMatch(v -> v.name().equals(tensor))
                || graph.nodes().stream().anyMatch(n -> n.output().equals(tensor));
        if (!produced) {
            throw new IllegalArgumentException("'" + tensor + "' is not an activation of graph '" + graph.name()
                    + "' (a graph input or a node output)");
        }
        activations.merge(tensor, view, ActivationView::then);
    }

    /** All registered activation views as one: each tensor through its own views, other tensors unchanged. */
    ActivationView combinedActivations() {
        if (activations.isEmpty()) {
            return ActivationView.IDENTITY;
        }
        Map<String, ActivationView> copy = Map.copyOf(activations);
        return (sd, tensor, x) -> copy.getOrDefault(tensor, ActivationView.IDENTITY).view(sd, tensor, x);
    }

    /** All registered views as one: each weight through its own views, other weights unchanged. */
    WeightView combined() {
        if (views.isEmpty()) {
            return WeightView.IDENTITY;
        }
        Map<String, WeightView> copy = Map.copyOf(views);
        return (sd, weight, w) -> copy.getOrDefault(weight, WeightView.IDENTITY).view(sd, weight, w);
    }
}
