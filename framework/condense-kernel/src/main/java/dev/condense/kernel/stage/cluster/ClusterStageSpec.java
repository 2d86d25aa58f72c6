package dev.condense.kernel.stage.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.api.quant.Quantizer;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.Objects;

/**
 * A parsed {@code cluster} stage.
 *
 * @param quantizer the codebook quantizer as written ({@code kmeans} by default); its params get {@code bits}
 * @param convBits  bits of convolution weights, 1 to 8 (the paper: 8)
 * @param fcBits    bits of Gemm/MatMul weights, 1 to 8 (the paper: 5)
 * @param layers    which layers (named by their weight initializer) are clustered
 * @param finetune  shared-weight fine-tuning, or null for none
 */
public record ClusterStageSpec(ExtensionRef quantizer, int convBits, int fcBits, LayerFilter layers,
                               TrainSpec finetune, Location location) implements StageSpec {
    public static final int PAPER_CONV_BITS = 8;
    public static final int PAPER_FC_BITS = 5;

    public ClusterStageSpec {
        Objects.requireNonNull(quantizer, "quantizer");
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "cluster";
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        Quantizer<?> q = context.resolve(Quantizer.class, quantizer, "quantizer");
        return new ClusterStep(this, q, bind(context, q, convBits), bind(context, q, fcBits));
    }

    /** The quantizer's params: what the recipe wrote with {@code bits} added (written there: a located error). */
    private Record bind(PlanContext context, Quantizer<?> q, int bits) {
        NodeRef at = quantizer.params();
        ObjectNode node;
        if (at.node().isObject()) {
            if (at.node().has("bits")) {
                throw at.child("bits").fail("write bits at the stage level (bits: N or bits: {conv: N, fc: M}),"
                        + " not in the quantizer's params");
            }
            node = ((ObjectNode) at.node()).deepCopy();
        } else {
            node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        node.put("bits", bits);
        return context.binder().bind(new NodeRef(at.tree(), at.pointer(), node), q.paramsType());
    }
}
