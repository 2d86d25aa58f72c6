package dev.condense.kernel.stage.cluster;

import dev.condense.api.model.Codebook;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import dev.condense.api.train.TrainResult;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.text.Quote;
import dev.condense.engine.train.SharedWeights;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import dev.condense.kernel.stage.QuantizerCalls;
import dev.condense.kernel.stage.ResolvedBodies;
import dev.condense.kernel.stage.Trainings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A planned {@code cluster} stage: each selected layer's weight is quantized by the codebook quantizer (k-means:
 * pruned weights stay zero) and annotated with its {@link Codebook}; with {@code finetune}, the model then trains
 * with the clusters kept shared ({@link SharedWeights}, masks kept applied) and the codebooks are read back from the
 * trained weights. Node and tensor names and shapes do not change. Export writes uint8 indices and a Gather; an
 * {@code encode} stage writes Huffman-coded sparse storage.
 */
public record ClusterStep(ClusterStageSpec spec, Quantizer<?> quantizer, Record convParams, Record fcParams)
        implements PlannedStage {

    @Override
    public String kind() {
        return "cluster";
    }

    @Override
    public Location location() {
        return spec.location();
    }

    @Override
    public Preview preview(ModelGraph graph) {
        List<WeightedLayer> layers = layers(graph);
        List<String> lines = new ArrayList<>();
        lines.add("cluster: " + layers.size() + " layer" + (layers.size() == 1 ? "" : "s") + " shared by "
                + quantizer.id() + " (bits: conv " + spec.convBits() + ", fc " + spec.fcBits() + ")"
                + (spec.finetune() == null ? ", no fine-tuning"
                        : ", shared-weight fine-tuning " + Trainings.describe(spec.finetune())));
        lines.add("  layers: " + String.join(", ", layers.stream().map(WeightedLayer::source).toList()));
        return new Preview(graph, lines);
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        List<WeightedLayer> layers = layers(graph);
        Map<String, Codebook> books = new LinkedHashMap<>();
        ModelGraph.Builder b = graph.toBuilder();
        for (WeightedLayer l : layers) {
            Codebook book = codebook(l, graph.initializers().get(l.source()));
            books.put(l.source(), book);
            b.initializer(l.source(), book.weights());
        }
        ModelGraph shared = b.build();
        if (spec.finetune() != null) {
            TrainResult r = run.context().train(shared, spec.finetune(), List.of(new SharedWeights(books)));
            shared = Trainings.reported(run.context(), spec.finetune(), r);
            books.replaceAll((name, before) -> SharedWeights.codebook(before, r.graph().initializers().get(name)));
        }
        ModelGraph.Builder out = shared.toBuilder();
        books.forEach((name, book) -> out.initializer(name, book.weights()).annotate(name, book));
        List<Map<String, Object>> rows = new ArrayList<>();
        books.forEach((name, book) -> rows.add(ResolvedBodies.ordered("layer", name, "shared_values",
                (long) book.size(), "bits", (long) bits(layers, name))));
        run.context().log("cluster: " + layers.size() + " layers shared by " + quantizer.id());
        run.context().report("layers", layers.size());
        run.context().report("codebooks", rows);
        return out.build();
    }

    private int bits(List<WeightedLayer> layers, String name) {
        return layers.stream().filter(l -> l.source().equals(name)).findFirst()
                .map(l -> l.kind() == WeightedLayer.Kind.CONV ? spec.convBits() : spec.fcBits()).orElseThrow();
    }

    private Codebook codebook(WeightedLayer l, INDArray w) {
        Record params = l.kind() == WeightedLayer.Kind.CONV ? convParams : fcParams;
        QuantizerCalls calls = new QuantizerCalls(quantizer);
        QuantizedTensor q = calls.quantize(l.source(), w, params);
        if (q.codebook() == null) {
            throw calls.unusable(l.source(), "no codebook (a cluster stage needs a codebook quantizer such as kmeans)");
        }
        return new Codebook(q.codebook(), q.codes());
    }

    /** The selected Conv, Gemm and MatMul layers with float weights; located errors as the quantize stage's. */
    List<WeightedLayer> layers(ModelGraph graph) {
        List<WeightedLayer> all = WeightedLayers.stored(graph).stream()
                .filter(l -> l.kind() != WeightedLayer.Kind.CONV_TRANSPOSE).toList();
        List<String> names = all.stream().map(WeightedLayer::source).distinct().toList();
        spec.layers().requireMatches(names, "layers", "layer to cluster", "layers");
        List<WeightedLayer> chosen = all.stream().filter(l -> spec.layers().test(l.source())).toList();
        if (chosen.isEmpty()) {
            throw new RecipeException(spec.location(), "cluster: no float Conv, Gemm or MatMul layer to share"
                    + (names.isEmpty() ? " (already quantized, or none in the model)" : " after the layers filter"));
        }
        for (WeightedLayer l : chosen) {
            long params = graph.initializers().get(l.source()).length();
            int bits = l.kind() == WeightedLayer.Kind.CONV ? spec.convBits() : spec.fcBits();
            if ((1L << bits) > params) {
                throw new RecipeException(spec.location(), "cluster: " + bits + " bits give " + (1L << bits)
                        + " shared values, more than the " + params + " weights of " + Quote.single(l.source())
                        + "; use fewer bits or exclude the layer");
            }
        }
        return chosen;
    }

    @Override
    public Object resolvedBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        Map<String, Object> params = new LinkedHashMap<>(ResolvedBodies.recordToMap(convParams));
        params.remove("bits"); // written at the stage level
        body.put("quantizer", ResolvedBodies.ordered(quantizer.id(), params));
        body.put("bits", ResolvedBodies.ordered("conv", spec.convBits(), "fc", spec.fcBits()));
        if (spec.finetune() != null) {
            body.put("finetune", ResolvedBodies.train(spec.finetune()));
        }
        return body;
    }
}
