package dev.condense.kernel.schema;

import static dev.condense.kernel.schema.SchemaNodes.NODES;
import static dev.condense.kernel.schema.SchemaNodes.integer;
import static dev.condense.kernel.schema.SchemaNodes.nullable;
import static dev.condense.kernel.schema.SchemaNodes.object;
import static dev.condense.kernel.schema.SchemaNodes.oneOfStrings;
import static dev.condense.kernel.schema.SchemaNodes.orVar;
import static dev.condense.kernel.schema.SchemaNodes.props;
import static dev.condense.kernel.schema.SchemaNodes.ref;
import static dev.condense.kernel.schema.SchemaNodes.single;
import static dev.condense.kernel.schema.SchemaNodes.string;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.kernel.stage.StageKind;
import dev.condense.kernel.stage.StageKinds;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of the recipe schema the kernel defines itself: top-level keys, the stage item (each registered kind's
 * body schema, {@link StageKind#schema}) and the shared definitions, with the ranges the loader checks (see
 * docs/recipes.md). Written by hand from the parsers' rules ({@code RecipeLoader}, {@code TrainParser},
 * {@code LayerFilter}): change both together.
 */
final class BuiltInSchema {
    private static final String KEBAB = "^[a-z0-9]+(-[a-z0-9]+)*$";

    private BuiltInSchema() {
    }

    /** Type and properties of the recipe mapping. */
    static ObjectNode recipe() {
        ObjectNode r = NODES.objectNode().put("type", "object");
        ObjectNode p = r.putObject("properties");
        p.set("extends", string("a base recipe, relative to this file; this file's values win, mappings merge, lists replace"));
        ObjectNode vars = NODES.objectNode().put("type", "object").put("description", "values for ${name} references");
        vars.putObject("propertyNames").put("pattern", "^[A-Za-z_][A-Za-z0-9_-]*$");
        p.set("vars", vars);
        p.set("recipe", orVar(string("the recipe's name, kebab-case").put("pattern", KEBAB)));
        p.set("seed", orVar(integer(0, null)));
        ObjectNode model = object("the input model: exactly one of zoo, file or encoder");
        props(model).set("zoo", orVar(nullable("string", "a built-in model id, e.g. lenet-300-100")));
        props(model).set("file", orVar(nullable("string", "an ONNX file, relative to the file naming it")));
        ObjectNode encoder = object("a sentence-pair classifier over a pretrained text encoder: the encoder's layers"
                + " (or the ones kept), masked mean pooling and a fresh linear head; input packed_inputs [N, 3, L]");
        props(encoder).set("source", orVar(oneOfStrings(dev.condense.engine.nlp.EncoderFiles.IDS)));
        props(encoder).set("sequence-length", orVar(integer(4, 512).put("description", "tokens per pair, L")));
        props(encoder).set("classes", orVar(integer(2, null)));
        ObjectNode layers = NODES.objectNode().put("type", "array").put("uniqueItems", true).put("description",
                "encoder layers kept, 0-based, increasing; default all");
        layers.set("items", orVar(integer(0, dev.condense.engine.nlp.EncoderFiles.LAYERS - 1)));
        props(encoder).set("layers", layers);
        props(encoder).set("intermediate", orVar(integer(0, dev.condense.engine.nlp.EncoderFiles.INTERMEDIATE)
                .put("description", "feed-forward width per layer (its first units kept); 0: the encoder's own")
                .put("default", 0)));
        encoder.putArray("required").add("source").add("sequence-length").add("classes");
        props(model).set("encoder", encoder);
        p.set("model", model);
        ObjectNode data = object("the data set");
        props(data).set("dataset", orVar(string("a data set id, e.g. mnist").put("pattern", KEBAB)));
        props(data).set("validation", orVar(NODES.objectNode().put("type", "number").put("minimum", 0)
                .put("exclusiveMaximum", 0.5).put("default", 0)));
        props(data).set("train-limit", orVar(integer(0, null).put("default", 0)));
        props(data).set("test-limit", orVar(integer(0, null).put("default", 0)));
        props(data).set("split-seed", orVar(integer(0, null).put("description",
                "seed of the permutation that picks the validation rows and the train limit; default the recipe's seed")));
        props(data).set("long-pairs", orVar(oneOfStrings(java.util.List.of("error", "skip")).put("description",
                "text data sets: a pair longer than the sequence length is an error naming its row, or is left out")));
        props(data).set("fraction", orVar(NODES.objectNode().put("type", "number").put("exclusiveMinimum", 0)
                .put("maximum", 1).put("default", 1).put("description", "train on this fraction of the training rows"
                        + " (a seeded subset, the same rows for every method at a given split seed; validation and test"
                        + " rows untouched)")));
        props(data).set("rationales", orVar(oneOfStrings(dev.condense.kernel.recipe.DataSpec.RATIONALES).put("description",
                "text data sets with explanations: a training row's rationale is its first human explanation, or all"
                        + " of them (one drawn per row at each step)")));
        p.set("data", data);
        ObjectNode stages = NODES.objectNode().put("type", "array").put("minItems", 1);
        stages.set("items", ref("stage"));
        p.set("stages", stages);
        ObjectNode output = object("where the run writes; default runs/<recipe>");
        props(output).set("dir", orVar(string("relative to the working directory")));
        p.set("output", output);
        return r.put("additionalProperties", false);
    }

    /**
     * A stage item: a bare kind (one whose body is all defaults, or a plugin stage), or {kind: body}; each registered
     * kind gives its body's schema (and may add definitions to {@code defs}); {@code custom} holds the plugin stages'
     * params by id.
     */
    static ObjectNode stage(StageKinds kinds, ObjectNode custom, ObjectNode defs) {
        ObjectNode withBody = single(NODES.objectNode());
        ObjectNode p = withBody.putObject("properties");
        List<String> bare = new ArrayList<>();
        for (StageKind kind : kinds.all()) {
            p.set(kind.id(), kind.schema(defs));
            if (kind.bare()) {
                bare.add(kind.id());
            }
        }
        p.setAll(custom);
        ObjectNode s = NODES.objectNode();
        custom.fieldNames().forEachRemaining(bare::add);
        s.putArray("anyOf").add(oneOfStrings(bare)).add(withBody);
        return s;
    }

    /** The definitions shared by the stage kinds: {@code train-body} (and its optimizer and lr schedule), {@code layers}. */
    static void addDefinitions(ObjectNode defs) {
        ObjectNode train = object("a training run");
        props(train).set("epochs", orVar(integer(0, 10000)));
        props(train).set("batch", orVar(integer(1, 65536).put("default", 128)));
        props(train).set("optimizer", ref("optimizer"));
        props(train).set("limit", orVar(integer(0, null).put("default", 0)));
        props(train).set("lr-schedule", ref("lr-schedule"));
        ObjectNode augment = object("augmentation of the training images [N, C, H, W], drawn afresh every epoch");
        props(augment).set("shift", orVar(integer(0, 8).put("default", 0)
                .put("description", "random translation of each image by up to this many pixels")));
        props(train).set("augment", augment);
        props(train).set("clip-norm", orVar(NODES.objectNode().put("type", "number").put("minimum", 0).put("default", 0)
                .put("description", "clip the global L2 norm of all weight gradients to this before the optimizer"
                        + " step (Pascanu et al. 2013); 0 = off")));
        props(train).set("max-norm", orVar(NODES.objectNode().put("type", "number").put("minimum", 0).put("default", 0)
                .put("description", "after every step, scale each unit's incoming weight vector (Gemm/MatMul/Conv)"
                        + " back to this L2 norm when longer (Srivastava et al. 2014); 0 = off")));
        train.putArray("required").add("epochs");
        defs.set("train-body", train);

        ObjectNode scheduleBody = object(null);
        props(scheduleBody).set("every", orVar(integer(1, null)));
        props(scheduleBody).set("gamma", orVar(NODES.objectNode().put("type", "number").put("exclusiveMinimum", 0)
                .put("maximum", 1)));
        props(scheduleBody).set("min-lr", orVar(NODES.objectNode().put("type", "number").put("minimum", 0)));
        props(scheduleBody).set("per", orVar(oneOfStrings(List.of("epoch", "step")).put("description",
                "cosine: recompute the rate every epoch (default) or every optimizer step")));
        ObjectNode lrSchedules = single(NODES.objectNode());
        lrSchedules.putObject("properties").<ObjectNode>set("step", scheduleBody).<ObjectNode>set("cosine", scheduleBody)
                .set("constant", scheduleBody);
        ObjectNode lrSchedule = NODES.objectNode().put("description",
                "constant, {step: {every, gamma}} or {cosine: {min-lr, per}} over the epochs (per: step decays every step)");
        lrSchedule.putArray("anyOf").add(oneOfStrings(List.of("constant", "step", "cosine"))).add(lrSchedules);
        defs.set("lr-schedule", lrSchedule);

        ObjectNode optimizerBody = object(null);
        props(optimizerBody).set("lr", orVar(NODES.objectNode().put("type", "number")
                .put("exclusiveMinimum", 0).put("maximum", 10)));
        props(optimizerBody).set("momentum", orVar(NODES.objectNode().put("type", "number")
                .put("minimum", 0).put("exclusiveMaximum", 1)));
        props(optimizerBody).set("weight-decay", orVar(NODES.objectNode().put("type", "number").put("minimum", 0)));
        ObjectNode optimizers = single(NODES.objectNode());
        optimizers.putObject("properties").<ObjectNode>set("adam", optimizerBody).set("sgd", optimizerBody);
        ObjectNode optimizer = NODES.objectNode().put("description", "adam (lr 1e-3) or sgd (lr 0.01, momentum 0.9)");
        optimizer.putArray("anyOf").add(oneOfStrings(List.of("adam", "sgd"))).add(optimizers);
        defs.set("optimizer", optimizer);

        ObjectNode patterns = NODES.objectNode().put("type", "array").put("minItems", 1);
        patterns.set("items", orVar(string("a layer name or re:REGEX")));
        ObjectNode layers = object("the layers this stage may touch: include (default all) minus exclude");
        props(layers).<ObjectNode>set("include", patterns).set("exclude", patterns.deepCopy());
        defs.set("layers", layers);

    }
}
