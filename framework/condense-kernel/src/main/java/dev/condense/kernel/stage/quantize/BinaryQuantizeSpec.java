package dev.condense.kernel.stage.quantize;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.kernel.schema.SchemaNodes;
import dev.condense.api.extension.Extension;
import dev.condense.api.quant.Quantizer;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.TrainParser;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code quantize} stage in {@code mode: binary} (XNOR-Net, Rastegari et al. 2016):
 * {@code quantize: {mode: binary, binary: {finetune: {train body}, include-first-last: false}, layers: {...}}}.
 * The selected layers are trained with binary weights and binary inputs ({@code finetune}, required: a binarized
 * network has to learn its signs), then their weights are replaced by the {@code binary} quantizer's codes and scales
 * and a {@code Sign} is inserted before each of them ({@link BinaryQuantizeStep}).
 *
 * @param finetune         the training with binary weights and activations (straight-through estimator)
 * @param includeFirstLast binarize the model's first and last weighted layers too (by default they stay float, as
 *                         in the paper)
 * @param quantizer        the {@link Quantizer} that writes the codes: {@code binary} (plugin quant-binary), located
 *                         at the {@code mode} value
 * @param layers           which layers (by weight initializer) may be binarized
 * @param location         where the stage is written
 */
public record BinaryQuantizeSpec(TrainSpec finetune, boolean includeFirstLast, ExtensionRef quantizer,
                                 LayerFilter layers, Location location) implements StageSpec {
    static final List<String> KEYS = List.of("finetune", "include-first-last");

    public BinaryQuantizeSpec {
        Objects.requireNonNull(finetune, "finetune");
        Objects.requireNonNull(quantizer, "quantizer");
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(location, "location");
        if (finetune.epochs() < 1) {
            throw new IllegalArgumentException("binary.finetune.epochs must be >= 1 (a binarized network has to"
                    + " learn its signs), was " + finetune.epochs());
        }
    }

    /** The JSON schema of the {@code binary} body. */
    static ObjectNode schema() {
        ObjectNode b = SchemaNodes.object("mode binary (XNOR-Net): the training with binary weights and activations"
                + " and whether the first and last layers are binarized too");
        SchemaNodes.props(b).set("finetune", SchemaNodes.ref("train-body"));
        SchemaNodes.props(b).set("include-first-last", SchemaNodes.orVar(SchemaNodes.NODES.objectNode()
                .put("type", "boolean").put("default", false)));
        b.putArray("required").add("finetune");
        return b;
    }

    /** Reads the body of a {@code quantize} stage whose {@code mode} (the node {@code mode}) is {@code binary}. */
    static BinaryQuantizeSpec read(NodeRef body, NodeRef mode, Location at) {
        for (String key : List.of("weights", "activations")) {
            var n = body.optional(key);
            if (n.isPresent()) {
                throw n.get().fail("mode binary binarizes the weights (one bit and a scale per output channel) and"
                        + " the inputs (sign) of its layers and has no " + key + " options; remove them");
            }
        }
        NodeRef binary = body.optional("binary").orElseThrow(() -> mode.fail("mode binary trains the network with"
                + " binary weights and activations: add binary: {finetune: {epochs: N}}"));
        binary.expectObject(KEYS);
        TrainSpec finetune = TrainParser.read(binary.required("finetune"));
        boolean firstLast = binary.optional("include-first-last").map(n -> {
            if (!n.node().isBoolean()) {
                throw n.fail("expected true or false for include-first-last but found " + n.describe());
            }
            return n.node().asBoolean();
        }).orElse(false);
        LayerFilter layers = body.optional("layers").map(LayerFilter::read).orElse(LayerFilter.ALL);
        ExtensionRef ref = new ExtensionRef("binary", mode.location(), new NodeRef(mode.tree(), mode.pointer(),
                NullNode.instance));
        return binary.construct(() -> new BinaryQuantizeSpec(finetune, firstLast, ref, layers, at));
    }

    @Override
    public String kind() {
        return "quantize";
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        context.requireData(location, "mode binary trains with binary weights and activations: add a data section"
                + " to the recipe");
        Extension<?> resolved = context.resolve(Quantizer.class, quantizer, "quantizer");
        Quantizer<?> q = (Quantizer<?>) resolved;
        return new BinaryQuantizeStep(this, q, context.bind(quantizer, q.paramsType()));
    }
}
