package dev.condense.engine.stats;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-layer accounting of a graph, as {@code condense inspect} prints it: one row per node that reads at least one
 * initializer (in graph order), plus one row {@code (unused)} per initializer no node reads. Each initializer is
 * counted once, by the first node that reads it, so the rows add up to {@link ModelStats}'s totals.
 *
 * @param layers    the rows
 * @param params    dense parameters over all rows (= {@link ModelStats#denseParams()})
 * @param nonzeros  nonzero parameters over all rows (= {@link ModelStats#nonzeros()})
 * @param macs      multiply-accumulates per sample over all rows (= {@link LayerCost#total})
 */
public record LayerSummary(List<Row> layers, long params, long nonzeros, long macs) {

    /** Bytes of a float32 parameter. */
    public static final int FLOAT32_BYTES = 4;

    public LayerSummary {
        layers = List.copyOf(layers);
    }

    /**
     * One layer.
     *
     * @param node     node name ({@code (unused)} for an initializer no node reads)
     * @param opType   ONNX op type ({@code -} for an unused initializer)
     * @param weight   the weight initializer (a weighted layer's stored weight, {@link LayerCost#weight}; else the
     *                 first initializer the node reads)
     * @param shape    the weight's shape
     * @param params   elements of all initializers this row counts (weight and bias, BN's four vectors, ...)
     * @param nonzeros of those, elements not equal to 0
     * @param macs     multiply-accumulates per sample ({@link LayerCost}; 0 for layers LayerCost does not count)
     */
    public record Row(String node, String opType, String weight, long[] shape, long params, long nonzeros, long macs) {
        public Row {
            shape = shape.clone();
            if (params < 0 || nonzeros < 0 || nonzeros > params || macs < 0) {
                throw new IllegalArgumentException("need 0 <= nonzeros <= params and macs >= 0 for " + node);
            }
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Size of the parameters stored densely as float32. */
        public long float32Bytes() {
            return params * FLOAT32_BYTES;
        }
    }

    /** Summarizes {@code g} (shapes inferred by {@link LayerCost}). */
    public static LayerSummary of(ModelGraph g) {
        Map<String, LayerCost> costs = new HashMap<>();
        LayerCost.of(g).forEach(c -> costs.put(c.node(), c));
        Map<String, INDArray> inits = g.initializers();
        Set<String> seen = new HashSet<>();
        List<Row> rows = new ArrayList<>();
        for (Node n : g.nodes()) {
            List<String> mine = n.inputs().stream().filter(inits::containsKey).filter(seen::add).toList();
            LayerCost cost = costs.get(n.name());
            if (mine.isEmpty() && cost == null) {
                continue;
            }
            String weight = cost != null ? cost.weight() : mine.get(0);
            rows.add(row(n.name(), n.opType(), weight, inits.get(weight).shape(), mine, inits, cost == null ? 0 : cost.macs()));
        }
        inits.forEach((name, w) -> {
            if (seen.add(name)) {
                rows.add(row("(unused)", "-", name, w.shape(), List.of(name), inits, 0));
            }
        });
        return new LayerSummary(rows, rows.stream().mapToLong(Row::params).sum(),
                rows.stream().mapToLong(Row::nonzeros).sum(), rows.stream().mapToLong(Row::macs).sum());
    }

    private static Row row(String node, String op, String weight, long[] shape, List<String> tensors,
                           Map<String, INDArray> inits, long macs) {
        long params = 0;
        long nz = 0;
        for (String t : tensors) {
            params += inits.get(t).length();
            nz += ModelStats.nonzeros(inits.get(t));
        }
        return new Row(node, op, weight, shape, params, nz, macs);
    }

    /** Total size of the parameters stored densely as float32. */
    public long float32Bytes() {
        return params * FLOAT32_BYTES;
    }
}
