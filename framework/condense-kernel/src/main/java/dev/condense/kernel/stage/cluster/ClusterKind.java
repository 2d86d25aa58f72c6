package dev.condense.kernel.stage.cluster;

import static dev.condense.kernel.schema.SchemaNodes.integer;
import static dev.condense.kernel.schema.SchemaNodes.object;
import static dev.condense.kernel.schema.SchemaNodes.orVar;
import static dev.condense.kernel.schema.SchemaNodes.props;
import static dev.condense.kernel.schema.SchemaNodes.ref;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.TrainParser;
import dev.condense.kernel.stage.StageKind;
import dev.condense.kernel.stage.StageSpec;
import java.util.List;

/**
 * {@code cluster: {quantizer: kmeans, bits: {conv: 8, fc: 5}, layers: {...}, finetune: {...}}}: weight sharing
 * (Deep Compression's trained quantization). Bare {@code - cluster} clusters every layer with k-means at the paper's
 * bits and does not fine-tune. Its own kind rather than a quantize mode: its result is a codebook, not an affine
 * grid, and its fine-tuning keeps clusters shared rather than fake-quantizing.
 */
public final class ClusterKind implements StageKind {
    private static final List<String> KEYS = List.of("quantizer", "bits", "layers", "finetune");
    private static final List<String> BITS_KEYS = List.of("conv", "fc");
    /** The bits a codebook's byte-wide indices allow; 0 and above 16 are refused with the range in the message. */
    static final int MAX_BITS = 8;

    @Override
    public String id() {
        return "cluster";
    }

    @Override
    public boolean bare() {
        return true;
    }

    @Override
    public ObjectNode schema(ObjectNode defs) {
        ObjectNode c = object("weight sharing: the non-zero weights of each layer share 2^bits values (a codebook)");
        props(c).set("quantizer", orVar(object("a codebook quantizer id, e.g. kmeans, or {kmeans: {init: density}}")
                .put("default", "kmeans")));
        ObjectNode perKind = object("bits by layer kind");
        props(perKind).set("conv", orVar(integer(1, MAX_BITS).put("default", ClusterStageSpec.PAPER_CONV_BITS)));
        props(perKind).set("fc", orVar(integer(1, MAX_BITS).put("default", ClusterStageSpec.PAPER_FC_BITS)));
        ObjectNode bits = object("bits of a shared-weight index");
        bits.remove("type");
        bits.putArray("oneOf").add(integer(1, MAX_BITS)).add(perKind);
        props(c).set("bits", orVar(bits));
        props(c).set("layers", ref("layers"));
        props(c).set("finetune", ref("train-body"));
        defs.set("cluster-body", c);
        return ref("cluster-body");
    }

    @Override
    public StageSpec parse(NodeRef body, Location at) {
        body.expectObject(KEYS);
        ExtensionRef quantizer = body.optional("quantizer").map(q -> ExtensionRef.read(q, "a quantizer"))
                .orElse(new ExtensionRef("kmeans", at, new NodeRef(body.tree(), body.pointer(), NullNode.instance)));
        int conv = ClusterStageSpec.PAPER_CONV_BITS;
        int fc = ClusterStageSpec.PAPER_FC_BITS;
        NodeRef bits = body.optional("bits").orElse(null);
        if (bits != null && bits.node().isObject()) {
            bits.expectObject(BITS_KEYS);
            conv = bits.optional("conv").map(ClusterKind::bits).orElse(conv);
            fc = bits.optional("fc").map(ClusterKind::bits).orElse(fc);
        } else if (bits != null) {
            conv = bits(bits);
            fc = conv;
        }
        LayerFilter layers = body.optional("layers").map(LayerFilter::read).orElse(LayerFilter.ALL);
        TrainSpec finetune = body.optional("finetune").map(TrainParser::read).orElse(null);
        return new ClusterStageSpec(quantizer, conv, fc, layers, finetune, at);
    }

    private static int bits(NodeRef n) {
        long b = n.asLong(Long.MIN_VALUE, Long.MAX_VALUE);
        if (b < 1 || b > MAX_BITS) {
            throw n.fail("bits must be in [1, " + MAX_BITS + "] (a codebook of at most 256 shared values), was " + b);
        }
        return (int) b;
    }
}
