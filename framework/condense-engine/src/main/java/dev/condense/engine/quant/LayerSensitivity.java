package dev.condense.engine.quant;

import dev.condense.engine.graph.WeightedLayer;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Per-layer quantization sensitivity, measured in ONNX Runtime on a {@link QuantizationProbe}'s rows. For each layer
 * {@code L} of {@code layers}: (a) the model with only {@code L} quantized: accuracy, logit SQNR and the SQNR of
 * {@code L}'s own output (its float output tensor, before that tensor's QuantizeLinear); (b) the model with every
 * layer quantized except {@code L}: accuracy and logit SQNR. Costs {@code 4 x layers + 1} ONNX Runtime passes over
 * the rows (besides the probe's float pass: all quantized, then per layer (a), its output tapped in the float and in
 * the quantized model, and (b)); see ONNX Runtime's {@code qdq_loss_debug} and Nagel et al. 2021 ("A White Paper on Neural Network
 * Quantization", section 3.7, per-layer analysis) for the idea.
 */
public final class LayerSensitivity {

    private LayerSensitivity() {
    }

    /**
     * One layer's row. Accuracies in [0, 1], SQNRs in dB.
     *
     * @param layer          the layer's weight initializer
     * @param op             its op type (Conv, Gemm, MatMul)
     * @param only           only this layer quantized
     * @param outputSqnr     SQNR of this layer's output tensor with only this layer quantized
     * @param allBut         every layer quantized except this one
     */
    public record Row(String layer, String op, QuantizationProbe.Score only, double outputSqnr,
                      QuantizationProbe.Score allBut) {
    }

    /**
     * @param rows           rows measured on
     * @param floatAccuracy  the float model's accuracy
     * @param allQuantized   every layer quantized
     * @param layers         one row per layer, most sensitive first ({@link #RANKING})
     */
    public record Table(long rows, double floatAccuracy, QuantizationProbe.Score allQuantized, List<Row> layers) {
        public Table {
            layers = List.copyOf(layers);
        }

        /**
         * The measured models' scores by their set of float layers, for {@link FallbackSearch}: the empty set (all
         * quantized), each measured layer alone ("all but"), and all but each measured layer ("only"), where
         * {@code layers} are all the layers the table was measured over.
         */
        public java.util.Map<Set<String>, QuantizationProbe.Score> scores(List<String> layers) {
            java.util.Map<Set<String>, QuantizationProbe.Score> out = new java.util.HashMap<>();
            out.put(Set.of(), allQuantized);
            for (Row r : this.layers) {
                out.put(Set.of(r.layer()), r.allBut());
                Set<String> rest = new java.util.HashSet<>(layers);
                rest.remove(r.layer());
                out.put(Set.copyOf(rest), r.only());
            }
            return out;
        }

        /** The layers' names, most sensitive first. */
        public List<String> ranking() {
            return layers.stream().map(Row::layer).toList();
        }
    }

    /**
     * Most sensitive first: the highest accuracy when the layer alone stays float (what leaving it float buys), then
     * the highest logit SQNR when it alone stays float, then the lowest logit SQNR when only it is quantized, then
     * the order of the layers in the graph.
     */
    public static final Comparator<Row> RANKING = Comparator
            .comparingDouble((Row r) -> -r.allBut().accuracy())
            .thenComparingDouble(r -> -r.allBut().sqnr())
            .thenComparingDouble(r -> r.only().sqnr());

    /**
     * @param probe    the float model and the rows
     * @param layers   the quantizable layers (at least one)
     * @param subsets  the quantization applied to a subset of {@code layers}
     */
    public static Table measure(QuantizationProbe probe, List<WeightedLayer> layers, LayerSubsets subsets) {
        return measure(probe, layers, layers, subsets);
    }

    /**
     * The rows of {@code measured} only (a non-empty subset of {@code layers}); "all" and "all but" still mean all of
     * {@code layers}. Costs {@code 4 x measured + 1} passes.
     */
    public static Table measure(QuantizationProbe probe, List<WeightedLayer> layers, List<WeightedLayer> measured,
                                LayerSubsets subsets) {
        if (measured.isEmpty() || !layers.containsAll(measured)) {
            throw new IllegalArgumentException("sensitivity needs a non-empty subset of the layers");
        }
        Set<String> all = new LinkedHashSet<>();
        layers.forEach(l -> all.add(l.source()));
        QuantizationProbe.Score full = probe.score(subsets.quantize(all));
        List<Row> rows = new java.util.ArrayList<>();
        for (WeightedLayer l : measured) {
            var onlyModel = subsets.quantize(Set.of(l.source()));
            QuantizationProbe.Score only = probe.score(onlyModel);
            double output = probe.tensorSqnr(onlyModel, l.node().output());
            Set<String> rest = new LinkedHashSet<>(all);
            rest.remove(l.source());
            QuantizationProbe.Score allBut = rest.isEmpty()
                    ? new QuantizationProbe.Score(probe.referenceAccuracy(), Double.POSITIVE_INFINITY)
                    : probe.score(subsets.quantize(rest));
            rows.add(new Row(l.source(), l.node().opType(), only, output, allBut));
        }
        rows.sort(RANKING);
        return new Table(probe.rows(), probe.referenceAccuracy(), full, rows);
    }
}
