package dev.condense.kernel.stage.evaluate;

import static dev.condense.kernel.schema.SchemaNodes.NODES;
import static dev.condense.kernel.schema.SchemaNodes.integer;
import static dev.condense.kernel.schema.SchemaNodes.object;
import static dev.condense.kernel.schema.SchemaNodes.oneOfStrings;
import static dev.condense.kernel.schema.SchemaNodes.orVar;
import static dev.condense.kernel.schema.SchemaNodes.props;
import static dev.condense.kernel.schema.SchemaNodes.ref;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.Suggestions;
import dev.condense.kernel.stage.StageKind;
import dev.condense.kernel.stage.StageSpec;
import java.util.ArrayList;
import java.util.List;

/** {@code evaluate: {metrics, batch, runtime, split, latency-batches}}, every key defaulted (so {@code - evaluate} is valid). */
public final class EvaluateKind implements StageKind {
    private static final List<String> KEYS = List.of("metrics", "batch", "runtime", "split", "latency-batches");
    static final int DEFAULT_BATCH = 256;

    @Override
    public String id() {
        return "evaluate";
    }

    @Override
    public boolean bare() {
        return true;
    }

    @Override
    public ObjectNode schema(ObjectNode defs) {
        ObjectNode metrics = NODES.objectNode().put("type", "array").put("minItems", 1).put("uniqueItems", true);
        metrics.set("items", orVar(oneOfStrings(EvaluateStageSpec.METRICS)));
        ObjectNode evaluate = object("measure the model in ONNX Runtime");
        props(evaluate).set("metrics", metrics);
        props(evaluate).set("batch", orVar(integer(1, 65536).put("default", DEFAULT_BATCH)));
        props(evaluate).set("runtime", orVar(oneOfStrings(EvaluateStageSpec.RUNTIMES).put("default", "onnxruntime")));
        props(evaluate).set("split", orVar(oneOfStrings(EvaluateStageSpec.SPLITS).put("default", "test")));
        ObjectNode batches = NODES.objectNode().put("type", "array").put("minItems", 1).put("uniqueItems", true)
                .put("description", "batch sizes latency is timed at (default [1, 128])");
        batches.set("items", orVar(integer(1, 65536)));
        props(evaluate).set("latency-batches", batches);
        defs.set("evaluate-body", evaluate);
        return ref("evaluate-body");
    }

    @Override
    public StageSpec parse(NodeRef body, Location at) {
        body.expectObject(KEYS);
        List<String> metrics = body.optional("metrics").map(EvaluateKind::metrics).orElse(EvaluateStageSpec.METRICS);
        int batch = body.optional("batch").map(b -> b.asInt(1, 1 << 16)).orElse(DEFAULT_BATCH);
        String runtime = body.optional("runtime").map(NodeRef::asText).orElse("onnxruntime");
        String split = body.optional("split").map(NodeRef::asText).orElse("test");
        List<Integer> latencyBatches = body.optional("latency-batches")
                .map(n -> n.elements().stream().map(e -> e.asInt(1, 1 << 16)).toList())
                .orElse(EvaluateStageSpec.DEFAULT_LATENCY_BATCHES);
        return body.construct(() -> new EvaluateStageSpec(metrics, batch, runtime, split, at, latencyBatches));
    }

    private static List<String> metrics(NodeRef list) {
        List<String> metrics = new ArrayList<>();
        for (NodeRef item : list.elements()) {
            String m = item.asText();
            if (!EvaluateStageSpec.METRICS.contains(m)) {
                throw item.fail("unknown metric " + Quote.single(m) + Suggestions.hint(m, EvaluateStageSpec.METRICS)
                        + "; available: " + String.join(", ", EvaluateStageSpec.METRICS));
            }
            if (metrics.contains(m)) {
                throw item.fail("metric " + Quote.single(m) + " is listed twice");
            }
            metrics.add(m);
        }
        return metrics;
    }
}
