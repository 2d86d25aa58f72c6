package dev.condense.kernel.stage.encode;

import static dev.condense.kernel.schema.SchemaNodes.integer;
import static dev.condense.kernel.schema.SchemaNodes.object;
import static dev.condense.kernel.schema.SchemaNodes.oneOfStrings;
import static dev.condense.kernel.schema.SchemaNodes.orVar;
import static dev.condense.kernel.schema.SchemaNodes.props;
import static dev.condense.kernel.schema.SchemaNodes.ref;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.engine.codec.CentroidPrecision;
import dev.condense.engine.codec.RelativeIndex;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.stage.StageKind;
import dev.condense.kernel.stage.StageSpec;
import java.util.Arrays;
import java.util.List;

/**
 * {@code encode: {index-bits: {conv: 8, fc: 5}, codebook: float16}}: Deep Compression's storage coding into
 * {@code model.cz}. Bare {@code - encode} takes the paper's index widths and float32 codebooks; {@code index-bits: 6}
 * sets both widths.
 */
public final class EncodeKind implements StageKind {
    private static final List<String> KEYS = List.of("index-bits", "codebook");
    private static final List<String> PRECISIONS = Arrays.stream(CentroidPrecision.values())
            .map(CentroidPrecision::id).toList();
    private static final List<String> BITS_KEYS = List.of("conv", "fc");

    @Override
    public String id() {
        return "encode";
    }

    @Override
    public boolean bare() {
        return true;
    }

    @Override
    public ObjectNode schema(ObjectNode defs) {
        ObjectNode encode = object("store weight-shared layers as Huffman-coded sparse storage in model.cz");
        ObjectNode perKind = object("relative-index width by layer kind");
        props(perKind).set("conv", orVar(integer(1, RelativeIndex.MAX_INDEX_BITS).put("default", 8)));
        props(perKind).set("fc", orVar(integer(1, RelativeIndex.MAX_INDEX_BITS).put("default", 5)));
        ObjectNode bits = object("bits of a relative index (a gap between stored weights)");
        bits.remove("type");
        bits.putArray("oneOf").add(integer(1, RelativeIndex.MAX_INDEX_BITS)).add(perKind);
        props(encode).set("index-bits", orVar(bits));
        ObjectNode codebook = oneOfStrings(PRECISIONS);
        codebook.put("description", "how the shared values (centroids) are stored; float16 rounds them")
                .put("default", CentroidPrecision.FLOAT32.id());
        props(encode).set("codebook", orVar(codebook));
        defs.set("encode-body", encode);
        return ref("encode-body");
    }

    @Override
    public StageSpec parse(NodeRef body, Location at) {
        body.expectObject(KEYS);
        int conv = EncodeStageSpec.PAPER_CONV_BITS;
        int fc = EncodeStageSpec.PAPER_FC_BITS;
        NodeRef bits = body.optional("index-bits").orElse(null);
        if (bits != null && bits.node().isObject()) {
            bits.expectObject(BITS_KEYS);
            conv = bits.optional("conv").map(b -> b.asInt(1, RelativeIndex.MAX_INDEX_BITS)).orElse(conv);
            fc = bits.optional("fc").map(b -> b.asInt(1, RelativeIndex.MAX_INDEX_BITS)).orElse(fc);
        } else if (bits != null) {
            conv = bits.asInt(1, RelativeIndex.MAX_INDEX_BITS);
            fc = conv;
        }
        CentroidPrecision codebook = CentroidPrecision.FLOAT32;
        NodeRef book = body.optional("codebook").orElse(null);
        if (book != null) {
            String id = book.asText();
            codebook = Arrays.stream(CentroidPrecision.values()).filter(p -> p.id().equals(id)).findFirst()
                    .orElseThrow(() -> book.fail("codebook must be one of " + PRECISIONS + ", not '" + id + "'"));
        }
        return new EncodeStageSpec(conv, fc, codebook, at);
    }
}
