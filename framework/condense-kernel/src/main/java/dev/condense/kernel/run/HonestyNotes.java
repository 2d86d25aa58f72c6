package dev.condense.kernel.run;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.stats.LayerCost;
import dev.condense.engine.stats.ModelStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Plain statements a report must make about what the numbers do and do not mean (design invariant 1): a masked
 * zero is not a removed weight, and a dense file full of zeros is not smaller; structured removal does shrink the
 * file and the work, and the note says by how much (parameters, MACs, file bytes of the first and last evaluations,
 * and the last evaluation's speed-up against the input model).
 */
final class HonestyNotes {
    /** Channel block of ONNX Runtime's AVX-512 NCHWc conv kernels (8 with AVX2). */
    static final int BLOCK = 16;

    private HonestyNotes() {
    }

    /**
     * A model with quantized weights whose last latency evaluation found no integer kernel in ONNX Runtime's optimized
     * graph: the file is smaller, the arithmetic is still float (weight-only quantization, DequantizeLinear before
     * float Conv/Gemm/MatMul).
     */
    static java.util.Optional<String> quantizedButFloat(ModelGraph graph, List<Map<String, Object>> evaluations) {
        boolean quantized = graph.annotations().values().stream().flatMap(List::stream)
                .anyMatch(a -> a instanceof dev.condense.api.model.AffineQuantization);
        Map<String, Object> last = evaluations.stream().filter(e -> e.containsKey("ort_integer_kernels"))
                .reduce((a, b) -> b).orElse(null);
        if (!quantized || last == null || ((Number) last.get("ort_integer_kernels")).intValue() > 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("The exported weights are stored as integers, but ONNX Runtime's optimized graph "
                + "runs no integer kernel (" + last.get("ort_float_kernels") + " float Conv/Gemm/MatMul kernels): "
                + "the file is smaller, the arithmetic is float. Integer kernels need quantized activations too.");
    }

    static List<String> of(ModelGraph before, ModelGraph graph, Map<?, ?> initial,
                           List<Map<String, Object>> evaluations, boolean exported) {
        List<String> notes = new ArrayList<>();
        ModelStats s = ModelStats.of(graph);
        long zeros = s.denseParams() - s.nonzeros();
        long params0 = ((Number) initial.get("dense_params")).longValue();
        long macs0 = ((Number) initial.get("macs_per_sample")).longValue();
        long macs1 = LayerCost.total(graph);
        // fewer params at the same MACs is BatchNormalization folded into its conv (quantize), not a removal
        if (s.denseParams() < params0 && macs1 < macs0) {
            notes.add(removal(params0, s.denseParams(), macs0, macs1, evaluations));
            channelBlocks(before, graph).ifPresent(notes::add);
        }
        if (!graph.masks().isEmpty()) {
            notes.add(String.format(Locale.ROOT, "Pruning here is unstructured masking: %d of %d parameters (%.1f%%) are"
                    + " zero, but no parameter was removed; the graph's shapes are unchanged.",
                    zeros, s.denseParams(), 100.0 * zeros / s.denseParams()));
            boolean coded = graph.masks().keySet().stream().anyMatch(
                    w -> !graph.annotations().getOrDefault(w, List.of()).stream()
                            .allMatch(a -> a instanceof dev.condense.api.model.WeightMask));
            notes.add(coded
                    ? "model.onnx stores the pruned weights in their quantized or shared-weight form, zeros included (ONNX"
                    + " has no sparse storage): its size comes from fewer bits per weight, not from the sparsity, and"
                    + " ONNX Runtime computes the zeros; the sparse storage is model.cz's (an encode stage)."
                    : "model.onnx stores every weight as dense float32, zeros included: element sparsity does not make"
                    + " the file smaller nor ONNX Runtime faster. Compare onnx_bytes before and after pruning in the"
                    + " evaluations table; a smaller file needs structured pruning or storage coding (cluster + encode).");
        }
        quantizedButFloat(graph, evaluations).ifPresent(notes::add);
        if (!exported) {
            notes.add("No export stage: the run wrote no model file.");
        }
        if (evaluations.isEmpty()) {
            notes.add("No evaluate stage: accuracy and latency were not measured.");
        }
        dev.condense.engine.blas.BlasCore blas = dev.condense.engine.blas.OpenBlasProbe.current();
        if (blas.fallback()) {
            notes.add("Training and BLAS calls ran on " + blas.library() + " " + blas.version() + "'s "
                    + blas.fallbackNote() + ".");
        }
        if (blas.unsafe()) {
            notes.add("BLAS calls ran on " + blas.library() + " " + blas.version() + "'s " + blas.unsafeNote() + ".");
        }
        return notes;
    }

    /**
     * After structured removal or factorization: the convs whose output channel count changed (or that are new, as a
     * factorization's rank convs are) and is not a multiple of {@value #BLOCK}; convs the run left as they were are
     * not named, whatever their width. ONNX Runtime's x86 conv kernels work on blocks of 8 (AVX2) or 16 (AVX-512)
     * channels; other counts pad to whole blocks or leave the blocked layout, so fewer MACs need not mean less time
     * (measured in docs/benchmarks.md: vgg-small with 47.6% fewer MACs at 12/23/23/45 channels ran 0.85-0.94x as
     * fast, at 16/16/32/32 1.86-1.93x as fast with one intra-op thread).
     *
     * @param before the run's input model
     * @param after  its output
     */
    static Optional<String> channelBlocks(ModelGraph before, ModelGraph after) {
        java.util.Map<String, Long> was = new java.util.HashMap<>();
        for (WeightedLayer l : WeightedLayers.stored(before)) {
            if (l.kind() == WeightedLayer.Kind.CONV) {
                was.put(l.source(), before.initializers().get(l.source()).size(0));
            }
        }
        List<String> off = new ArrayList<>();
        for (WeightedLayer l : WeightedLayers.stored(after)) {
            long out = after.initializers().get(l.source()).size(0);
            Long old = was.get(l.source());
            if (l.kind() == WeightedLayer.Kind.CONV && out % BLOCK != 0 && (old == null || old != out)) {
                off.add(l.source() + " " + (old == null ? out + " (new)" : old + " -> " + out));
            }
        }
        if (off.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("Conv output channels not a multiple of " + BLOCK + " after removal or factorization: "
                + String.join(", ", off) + ". ONNX Runtime's x86 conv kernels work on blocks of 8 or 16 channels; other"
                + " counts pad to whole blocks or leave the blocked layout, so fewer MACs need not run faster. Choose"
                + " per-layer sparsities or ranks that keep multiples of 16, and check the last evaluation's"
                + " latency_b128_speedup and its verdict.");
    }

    /**
     * Structured removal or low-rank factorization (both shrink the graph's shapes): what got smaller, with the file bytes of the first and last evaluations and the last
     * evaluation's latency and speed-up against the input model (timed interleaved).
     */
    private static String removal(long params0, long params1, long macs0, long macs1,
                                  List<Map<String, Object>> evaluations) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "Structured pruning or factorization"
                + " physically removed %d of %d parameters (%.1f%%) and cut MACs per sample from %d to %d (%.1f%% fewer): the graph's shapes are"
                + " smaller, so the exported file is smaller and ONNX Runtime does less work.",
                params0 - params1, params0, 100.0 * (params0 - params1) / params0, macs0, macs1,
                100.0 * (macs0 - macs1) / Math.max(1, macs0)));
        if (evaluations.size() >= 2) {
            Map<String, Object> first = evaluations.get(0);
            Map<String, Object> last = evaluations.get(evaluations.size() - 1);
            if (first.containsKey("onnx_bytes") && last.containsKey("onnx_bytes")) {
                b.append(" onnx_bytes: ").append(first.get("onnx_bytes")).append(" -> ").append(last.get("onnx_bytes"))
                        .append(" (first vs last evaluation).");
            }
        }
        if (!evaluations.isEmpty()) {
            Map<String, Object> last = evaluations.get(evaluations.size() - 1);
            for (String batch : List.of("b1", "b128")) {
                String k = "latency_" + batch;
                if (last.get(k + "_speedup") instanceof Number x) {
                    b.append(String.format(Locale.ROOT, " Latency at batch %s, timed interleaved with the input model:"
                            + " %s ms vs %s ms (wall clock under this run's load), speed-up %.2fx from CPU time"
                            + " (IQR %.2f-%.2f over %s rounds): %s.", batch.substring(1),
                            last.get(k + "_ms_median"), last.get(k + "_reference_ms_median"), x.doubleValue(),
                            ((Number) last.get(k + "_speedup_q1")).doubleValue(),
                            ((Number) last.get(k + "_speedup_q3")).doubleValue(), last.get(k + "_rounds"),
                            last.get(k + "_verdict")));
                }
            }
        }
        return b.toString();
    }
}
