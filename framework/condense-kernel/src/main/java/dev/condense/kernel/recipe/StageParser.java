package dev.condense.kernel.recipe;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.condense.api.extension.ExtensionIds;
import dev.condense.api.prune.Granularity;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.text.Quote;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Reads the {@code stages} list of a recipe into {@link StageSpec}s. */
final class StageParser {
    private static final List<String> PRUNE_KEYS = List.of("scorer", "granularity", "sparsity", "schedule", "layers",
            "structured");
    private static final List<String> LAYERS_KEYS = List.of("include", "exclude");
    private static final List<String> EVALUATE_KEYS = List.of("metrics", "batch", "runtime", "split");
    private static final List<String> EXPORT_KEYS = List.of("format");
    private static final List<String> DISTILL_KEYS = List.of("teacher", "loss", "train");
    /** The loss a distill stage uses when it names none. */
    static final String DEFAULT_LOSS = "soft-label";
    private static final List<String> GRANULARITIES = Arrays.stream(Granularity.values())
            .map(g -> g.name().toLowerCase()).toList();
    static final int DEFAULT_EVAL_BATCH = 256;

    private StageParser() {
    }

    /** Reads the stage list; at least one stage. */
    static List<StageSpec> read(NodeRef stages) {
        List<NodeRef> items = stages.elements();
        if (items.isEmpty()) {
            throw stages.fail("stages must list at least one stage");
        }
        List<StageSpec> specs = new ArrayList<>();
        for (NodeRef item : items) {
            specs.add(stage(item));
        }
        return specs;
    }

    private static StageSpec stage(NodeRef item) {
        Map.Entry<String, Optional<NodeRef>> entry = item.singleEntry("a stage");
        String kind = entry.getKey();
        String pointer = item.node().isTextual() ? item.pointer() : LocatedTree.child(item.pointer(), kind);
        Location at = item.tree().keyAt(pointer);
        NodeRef body = entry.getValue().orElseGet(() -> new NodeRef(item.tree(), pointer, JsonNodeFactory.instance.objectNode()));
        return switch (kind) {
            case "train" -> new StageSpec.Train(TrainParser.read(body), at);
            case "prune" -> prune(body, at);
            case "distill" -> distill(body, at);
            case "evaluate" -> evaluate(body, at);
            case "export" -> body.expectObject(EXPORT_KEYS).construct(() -> new StageSpec.Export(
                    body.optional("format").map(NodeRef::asText).orElse("onnx"), at));
            default -> custom(kind, entry.getValue().orElseGet(() -> new NodeRef(item.tree(), pointer, NullNode.instance)), at);
        };
    }

    private static StageSpec custom(String kind, NodeRef params, Location at) {
        if (!ExtensionIds.isValid(kind)) {
            throw new RecipeException(at, "unknown stage kind " + Quote.single(kind) + Suggestions.hint(kind, StageSpec.BUILT_IN)
                    + "; built-in kinds: " + String.join(", ", new TreeSet<>(StageSpec.BUILT_IN)));
        }
        return new StageSpec.Custom(kind, params, at);
    }

    /** {@code {teacher: {file: t.onnx}, loss: soft-label | {id: params}, train: {...}}}; loss defaults to soft-label. */
    private static StageSpec distill(NodeRef body, Location at) {
        body.expectObject(DISTILL_KEYS);
        NodeRef teacherNode = body.required("teacher");
        ModelSpec teacher = RecipeLoader.model(teacherNode);
        if (teacher.zooId().isPresent()) {
            throw teacherNode.child("zoo").fail("a teacher must be a trained model file ({file: teacher.onnx}); "
                    + "zoo models are untrained");
        }
        ExtensionRef loss = body.optional("loss").map(n -> extension(n, "a loss"))
                .orElseGet(() -> new ExtensionRef(DEFAULT_LOSS, at, new NodeRef(body.tree(), body.pointer(),
                        NullNode.instance)));
        TrainSpec train = TrainParser.read(body.required("train"));
        return new StageSpec.Distill(teacher, teacherNode.child("file").location(), loss, train, at);
    }

    private static StageSpec prune(NodeRef body, Location at) {
        body.expectObject(PRUNE_KEYS);
        ExtensionRef scorer = extension(body.required("scorer"), "a scorer");
        Optional<NodeRef> granularityNode = body.optional("granularity");
        Granularity granularity = granularityNode.map(StageParser::granularity).orElse(Granularity.ELEMENT);
        Location granularityAt = granularityNode.map(NodeRef::location).orElse(scorer.location());
        SparsityRule sparsity = SparsityParser.read(body.required("sparsity"));
        Schedule schedule = body.optional("schedule").map(SparsityParser::schedule).orElse(new Schedule.OneShot());
        LayerFilter layers = body.optional("layers").map(StageParser::layers).orElse(LayerFilter.ALL);
        Structured structured = body.optional("structured").map(n -> structured(n, granularity))
                .orElse(granularity == Granularity.ELEMENT ? Structured.MASK : Structured.REMOVE);
        return new StageSpec.Prune(scorer, granularity, granularityAt, sparsity, schedule, layers, structured, at);
    }

    private static Structured structured(NodeRef node, Granularity granularity) {
        String value = node.asText();
        List<String> ids = Arrays.stream(Structured.values()).map(Structured::id).toList();
        if (!ids.contains(value)) {
            throw node.fail("unknown structured mode " + Quote.single(value) + Suggestions.hint(value, ids) + "; one of: "
                    + String.join(", ", ids));
        }
        if (granularity == Granularity.ELEMENT) {
            throw node.fail("structured applies to neuron, filter and channel granularity; element pruning always masks");
        }
        return Structured.valueOf(value.toUpperCase());
    }

    /** {@code {include: [patterns], exclude: [patterns]}}; each list, when given, is not empty. */
    private static LayerFilter layers(NodeRef node) {
        node.expectObject(LAYERS_KEYS);
        return new LayerFilter(patterns(node, "include"), patterns(node, "exclude"));
    }

    private static List<LayerPattern> patterns(NodeRef layers, String key) {
        Optional<NodeRef> list = layers.optional(key);
        if (list.isEmpty()) {
            return List.of();
        }
        List<NodeRef> items = list.get().elements();
        if (items.isEmpty()) {
            throw list.get().fail(key + " must list at least one layer name or re:REGEX (omit it instead)");
        }
        List<LayerPattern> patterns = new ArrayList<>();
        for (NodeRef item : items) {
            String pattern = item.asText();
            patterns.add(item.construct(() -> new LayerPattern(pattern, item.location())));
        }
        return patterns;
    }

    private static Granularity granularity(NodeRef node) {
        String value = node.asText();
        if (!GRANULARITIES.contains(value)) {
            throw node.fail("unknown granularity " + Quote.single(value) + Suggestions.hint(value, GRANULARITIES)
                    + "; one of: " + String.join(", ", GRANULARITIES));
        }
        return Granularity.valueOf(value.toUpperCase());
    }

    private static StageSpec evaluate(NodeRef body, Location at) {
        body.expectObject(EVALUATE_KEYS);
        List<String> metrics = body.optional("metrics").map(StageParser::metrics).orElse(StageSpec.Evaluate.METRICS);
        int batch = body.optional("batch").map(b -> b.asInt(1, 1 << 16)).orElse(DEFAULT_EVAL_BATCH);
        String runtime = body.optional("runtime").map(NodeRef::asText).orElse("onnxruntime");
        String split = body.optional("split").map(NodeRef::asText).orElse("test");
        return body.construct(() -> new StageSpec.Evaluate(metrics, batch, runtime, split, at));
    }

    private static List<String> metrics(NodeRef list) {
        List<String> metrics = new ArrayList<>();
        for (NodeRef item : list.elements()) {
            String m = item.asText();
            if (!StageSpec.Evaluate.METRICS.contains(m)) {
                throw item.fail("unknown metric " + Quote.single(m) + Suggestions.hint(m, StageSpec.Evaluate.METRICS)
                        + "; available: " + String.join(", ", StageSpec.Evaluate.METRICS));
            }
            if (metrics.contains(m)) {
                throw item.fail("metric " + Quote.single(m) + " is listed twice");
            }
            metrics.add(m);
        }
        return metrics;
    }

    /** Reads {@code id} or {@code {id: params}}. */
    static ExtensionRef extension(NodeRef node, String what) {
        Map.Entry<String, Optional<NodeRef>> entry = node.singleEntry(what);
        String id = entry.getKey();
        if (node.node().isTextual()) {
            return new ExtensionRef(id, node.location(), new NodeRef(node.tree(), node.pointer(), NullNode.instance));
        }
        NodeRef params = node.child(id);
        return new ExtensionRef(id, node.tree().keyAt(params.pointer()), params);
    }
}
