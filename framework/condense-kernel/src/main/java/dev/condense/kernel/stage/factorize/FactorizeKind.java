package dev.condense.kernel.stage.factorize;

import static dev.condense.kernel.schema.SchemaNodes.NODES;
import static dev.condense.kernel.schema.SchemaNodes.integer;
import static dev.condense.kernel.schema.SchemaNodes.object;
import static dev.condense.kernel.schema.SchemaNodes.props;
import static dev.condense.kernel.schema.SchemaNodes.ref;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.stage.StageKind;
import dev.condense.kernel.stage.StageSpec;
import java.util.List;

/**
 * {@code factorize: {decomposition: {svd: {rank: 32}}, layers: {...}, overrides: {fc1.weight: {rank: 64}}}} or
 * {@code factorize: {decomposition: tucker2, target-macs: 0.4}}: low-rank factorization. Each selected layer of the
 * kind the decomposition takes (Gemm/MatMul for svd, Conv for tucker2) is split by the {@code Decomposition}
 * extension into the factors of its layout and the node is replaced by the factor layers; a layer whose MACs would
 * not drop is left as it is and reported with the reason. {@code target-macs} (in (0, 1), not with overrides) chooses
 * every layer's ranks for a whole-model MAC budget, multiples of {@code rank-multiple} (default 1).
 * {@code target-latency} (in (0, 1), not with overrides; {@code latency-batch}, default 128) chooses them for a
 * whole-model latency budget measured in ONNX Runtime ({@link LatencyRanks}; {@code rank-multiple} default 8), with
 * {@code target-macs} as an extra limit when both are given. No bare form: the decomposition is always written.
 */
public final class FactorizeKind implements StageKind {
    private static final List<String> KEYS = List.of("decomposition", "layers", "overrides", "target-macs",
            "target-latency", "latency-batch", "rank-multiple");

    @Override
    public String id() {
        return "factorize";
    }

    @Override
    public boolean bare() {
        return false;
    }

    @Override
    public ObjectNode schema(ObjectNode defs) {
        ObjectNode c = object("low-rank factorization: each selected layer is replaced by its factors when its MACs"
                + " drop");
        props(c).set("decomposition", ref("decomposition"));
        props(c).set("layers", ref("layers"));
        ObjectNode overrides = object("per-layer params of the decomposition (its rank rule), by layer name or"
                + " re:REGEX, e.g. {fc1.weight: {rank: 64}}; an entry replaces the stage's params");
        overrides.set("additionalProperties", object("the decomposition's params for these layers"));
        props(c).set("overrides", overrides);
        ObjectNode target = NODES.objectNode().put("type", "number").put("description", "whole-model MAC budget: the"
                + " factorized model's MACs per sample at most this share of the model's before the stage, every"
                + " selected layer's ranks scaled alike; not with overrides");
        target.put("exclusiveMinimum", 0);
        target.put("exclusiveMaximum", 1);
        props(c).set("target-macs", target);
        ObjectNode latency = NODES.objectNode().put("type", "number").put("description", "whole-model latency"
                + " budget: the factorized model's predicted ONNX Runtime time per call (one thread, latency-batch) at"
                + " most this share of the model's measured time; each layer's ranks chosen from timed rank choices"
                + " for the least reconstruction error (NetAdapt-style); with target-macs both hold; not with"
                + " overrides");
        latency.put("exclusiveMinimum", 0);
        latency.put("exclusiveMaximum", 1);
        props(c).set("target-latency", latency);
        props(c).set("latency-batch", integer(1, null).put("description", "with target-latency: the batch size the"
                + " layers and the model are timed at; default 128"));
        ObjectNode multiple = integer(1, null).put("description", "with target-macs or target-latency: every rank a"
                + " multiple of this (or the layer's full rank), e.g. 8 or 16 for ONNX Runtime's blocked conv kernels;"
                + " default 1 (8 with target-latency)");
        props(c).set("rank-multiple", multiple);
        c.putArray("required").add("decomposition");
        defs.set("factorize-body", c);
        return ref("factorize-body");
    }

    @Override
    public StageSpec parse(NodeRef body, Location at) {
        body.expectObject(KEYS);
        ExtensionRef decomposition = ExtensionRef.read(body.required("decomposition"), "a decomposition");
        LayerFilter layers = body.optional("layers").map(LayerFilter::read).orElse(LayerFilter.ALL);
        List<RankOverride> overrides = body.optional("overrides").map(RankOverride::read).orElse(List.of());
        boolean latency = body.optional("target-latency").isPresent();
        int multiple = body.optional("rank-multiple").map(m -> m.asInt(1, 4096)).orElse(latency ? 8 : 1);
        FactorizeStageSpec.TargetMacs target = body.optional("target-macs").map(n -> {
            if (!overrides.isEmpty()) {
                throw n.fail("target-macs chooses every layer's ranks; it does not combine with overrides");
            }
            return n.construct(() -> new FactorizeStageSpec.TargetMacs(n.asDouble(), multiple, n.location()));
        }).orElse(null);
        FactorizeStageSpec.TargetLatency time = body.optional("target-latency").map(n -> {
            if (!overrides.isEmpty()) {
                throw n.fail("target-latency chooses every layer's ranks; it does not combine with overrides");
            }
            int batch = body.optional("latency-batch").map(b -> b.asInt(1, 1 << 16)).orElse(128);
            return n.construct(() -> new FactorizeStageSpec.TargetLatency(n.asDouble(), batch, multiple,
                    n.location()));
        }).orElse(null);
        if (target == null && time == null && body.optional("rank-multiple").isPresent()) {
            throw body.required("rank-multiple").fail("rank-multiple rounds the ranks of target-macs or"
                    + " target-latency; give one of them too");
        }
        if (time == null && body.optional("latency-batch").isPresent()) {
            throw body.required("latency-batch").fail("latency-batch is the batch of target-latency's timings; give"
                    + " target-latency too");
        }
        return new FactorizeStageSpec(decomposition, layers, overrides, target, time, at);
    }
}
