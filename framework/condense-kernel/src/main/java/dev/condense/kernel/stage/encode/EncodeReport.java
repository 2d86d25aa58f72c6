package dev.condense.kernel.stage.encode;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.stage.StageContext;
import dev.condense.engine.codec.CentroidPrecision;
import dev.condense.engine.codec.CzFormat;
import dev.condense.engine.codec.SignLayer;
import dev.condense.engine.codec.StorageTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The encode stage's report entries: bytes, compression, Huffman's saving and the per-layer storage table. */
final class EncodeReport {
    private EncodeReport() {
    }

    static void report(ModelGraph graph, CzFormat.Container container, long fileBytes, CentroidPrecision codebook,
                       StageContext context) {
        StorageTable table = StorageTable.of(container.layers());
        long dense = graph.initializers().values().stream().filter(a -> a.dataType().isFPType())
                .mapToLong(INDArray::length).sum() * 4;
        long[] t = table.totals();
        context.report("file", "model.cz");
        context.report("cz_bytes", fileBytes);
        context.report("dense_float32_bytes", dense);
        context.report("compression", round(dense / (double) fileBytes));
        context.report("coded_layers", table.rows().size());
        context.report("codebook", codebook.id());
        context.report("skeleton_bytes", container.skeleton().length);
        if (!table.rows().isEmpty()) {
            context.report("huffman_saving", round(table.huffmanSaving(container.layers())));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (StorageTable.Row r : table.rows()) {
                rows.add(row(r.layer(), r.params(), r.kept(), r.weightBits(), r.indexBits(), r.denseBytes(),
                        r.sparseBytes(), r.quantizedBytes(), r.huffmanBytes()));
            }
            rows.add(row("total (coded layers)", t[0], t[1], null, null, t[2], t[3], t[4], t[5]));
            context.report("storage", rows);
        }
        if (!container.signs().isEmpty()) {
            List<Map<String, Object>> binary = new ArrayList<>();
            for (SignLayer l : container.signs()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("codes", l.name());
                m.put("params", l.length());
                m.put("dense_bytes", 4 * l.length());
                m.put("packed_bytes", l.packed().length);
                m.put("ratio", round(4.0 * l.length() / l.packed().length));
                binary.add(m);
            }
            context.report("binarized", binary);
        }
    }

    private static Map<String, Object> row(String layer, long params, long kept, Integer weightBits, Integer indexBits,
                                           long dense, long sparse, long quantized, long huffman) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layer", layer);
        m.put("params", params);
        m.put("kept", round(kept / (double) params));
        m.put("weight_bits", weightBits);
        m.put("index_bits", indexBits);
        m.put("dense_bytes", dense);
        m.put("sparse_bytes", sparse);
        m.put("quantized_bytes", quantized);
        m.put("huffman_bytes", huffman);
        m.put("ratio", round(dense / (double) huffman));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
