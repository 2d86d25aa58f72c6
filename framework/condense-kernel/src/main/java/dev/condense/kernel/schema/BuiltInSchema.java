package dev.condense.kernel.schema;

import static dev.condense.kernel.schema.RecipeSchema.NODES;
import static dev.condense.kernel.schema.RecipeSchema.oneOfStrings;
import static dev.condense.kernel.schema.RecipeSchema.orVar;
import static dev.condense.kernel.schema.RecipeSchema.ref;
import static dev.condense.kernel.schema.RecipeSchema.single;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.kernel.recipe.StageSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of the recipe schema the kernel defines itself: top-level keys and the built-in stage kinds, with the
 * ranges the loader checks (see docs/recipes.md). Written by hand from the parsers' rules ({@code RecipeLoader},
 * {@code StageParser}, {@code TrainParser}, {@code SparsityParser}): change both together.
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
        ObjectNode model = object("the input model: exactly one of zoo or file");
        props(model).set("zoo", orVar(nullable("string", "a built-in model id, e.g. lenet-300-100")));
        props(model).set("file", orVar(nullable("string", "an ONNX file, relative to the file naming it")));
        p.set("model", model);
        ObjectNode data = object("the data set");
        props(data).set("dataset", orVar(string("a data set id, e.g. mnist").put("pattern", KEBAB)));
        props(data).set("validation", orVar(NODES.objectNode().put("type", "number").put("minimum", 0)
                .put("exclusiveMaximum", 0.5).put("default", 0)));
        props(data).set("train-limit", orVar(integer(0, null).put("default", 0)));
        props(data).set("test-limit", orVar(integer(0, null).put("default", 0)));
        p.set("data", data);
        ObjectNode stages = NODES.objectNode().put("type", "array").put("minItems", 1);
        stages.set("items", ref("stage"));
        p.set("stages", stages);
        ObjectNode output = object("where the run writes; default runs/<recipe>");
        props(output).set("dir", orVar(string("relative to the working directory")));
        p.set("output", output);
        return r.put("additionalProperties", false);
    }

    /** A stage item: a bare kind, or {kind: body}; {@code custom} holds the plugin stages' params by id. */
    static ObjectNode stage(ObjectNode custom) {
        ObjectNode withBody = single(NODES.objectNode());
        ObjectNode p = withBody.putObject("properties");
        p.set("train", ref("train-body"));
        p.set("prune", ref("prune-body"));
        p.set("distill", ref("distill-body"));
        p.set("evaluate", ref("evaluate-body"));
        p.set("export", ref("export-body"));
        p.setAll(custom);
        ObjectNode s = NODES.objectNode();
        List<String> bare = new ArrayList<>(List.of("evaluate", "export"));
        custom.fieldNames().forEachRemaining(bare::add);
        s.putArray("anyOf").add(oneOfStrings(bare)).add(withBody);
        return s;
    }

    /** The definitions the stage kinds refer to. */
    static void addDefinitions(ObjectNode defs, List<String> granularities) {
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
        train.putArray("required").add("epochs");
        defs.set("train-body", train);

        ObjectNode scheduleBody = object(null);
        props(scheduleBody).set("every", orVar(integer(1, null)));
        props(scheduleBody).set("gamma", orVar(NODES.objectNode().put("type", "number").put("exclusiveMinimum", 0)
                .put("maximum", 1)));
        props(scheduleBody).set("min-lr", orVar(NODES.objectNode().put("type", "number").put("minimum", 0)));
        ObjectNode lrSchedules = single(NODES.objectNode());
        lrSchedules.putObject("properties").<ObjectNode>set("step", scheduleBody).<ObjectNode>set("cosine", scheduleBody)
                .set("constant", scheduleBody);
        ObjectNode lrSchedule = NODES.objectNode().put("description",
                "constant, {step: {every, gamma}} or {cosine: {min-lr}} over the epochs");
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

        ObjectNode fraction = NODES.objectNode().put("type", "number").put("minimum", 0).put("exclusiveMaximum", 1);
        ObjectNode selectors = NODES.objectNode().put("type", "object").put("description",
                "layer name or re:REGEX -> sparsity, first match wins, then default");
        selectors.set("additionalProperties", orVar(fraction.deepCopy()));
        ObjectNode sparsity = NODES.objectNode();
        ObjectNode global = object("one ranking over every targeted layer; floor = share of each layer always kept");
        props(global).set("global", orVar(fraction.deepCopy()));
        props(global).set("floor", orVar(NODES.objectNode().put("type", "number").put("minimum", 0).put("maximum", 1)
                .put("default", 0)));
        global.putArray("required").add("global");
        sparsity.putArray("anyOf").add(fraction.deepCopy()).add(ref("var-ref")).add(global).add(selectors);
        defs.set("sparsity", sparsity);

        ObjectNode iterative = object(null);
        props(iterative).set("steps", orVar(integer(1, 1000)));
        props(iterative).set("finetune", ref("train-body"));
        props(iterative).set("ramp", orVar(oneOfStrings(List.of("cubic", "linear")).put("default", "cubic")));
        iterative.putArray("required").add("steps");
        ObjectNode schedules = single(NODES.objectNode());
        ObjectNode agp = object("automated gradual pruning (Zhu and Gupta 2017): cubic from start to the target");
        props(agp).set("steps", orVar(integer(1, 1000)));
        props(agp).set("finetune", ref("train-body"));
        props(agp).set("start", orVar(fraction.deepCopy().put("default", 0)));
        agp.putArray("required").add("steps").add("finetune");
        schedules.putObject("properties").<ObjectNode>set("iterative", iterative).set("agp", agp);
        ObjectNode schedule = NODES.objectNode();
        schedule.putArray("anyOf").add(oneOfStrings(List.of("one-shot"))).add(schedules);
        defs.set("schedule", schedule);

        ObjectNode patterns = NODES.objectNode().put("type", "array").put("minItems", 1);
        patterns.set("items", orVar(string("a layer name or re:REGEX")));
        ObjectNode layers = object("the layers this stage may touch: include (default all) minus exclude");
        props(layers).<ObjectNode>set("include", patterns).set("exclude", patterns.deepCopy());
        defs.set("layers", layers);

        ObjectNode prune = object("prune by importance score");
        props(prune).set("scorer", orVar(ref("scorer")));
        props(prune).set("granularity", orVar(oneOfStrings(granularities).put("default", "element")));
        props(prune).set("sparsity", ref("sparsity"));
        props(prune).set("schedule", ref("schedule"));
        props(prune).set("layers", ref("layers"));
        props(prune).set("structured", orVar(oneOfStrings(List.of("remove", "mask"))
                .put("description", "neuron/filter/channel: remove units physically (default) or mask them")));
        prune.putArray("required").add("scorer").add("sparsity");
        defs.set("prune-body", prune);

        ObjectNode metrics = NODES.objectNode().put("type", "array").put("minItems", 1).put("uniqueItems", true);
        metrics.set("items", orVar(oneOfStrings(List.of("accuracy", "size", "latency"))));
        ObjectNode evaluate = object("measure the model in ONNX Runtime");
        props(evaluate).set("metrics", metrics);
        props(evaluate).set("batch", orVar(integer(1, 65536).put("default", 256)));
        props(evaluate).set("runtime", orVar(oneOfStrings(List.of("onnxruntime")).put("default", "onnxruntime")));
        props(evaluate).set("split", orVar(oneOfStrings(StageSpec.Evaluate.SPLITS).put("default", "test")));
        defs.set("evaluate-body", evaluate);

        ObjectNode distill = object("train the model on a trained teacher's logits (knowledge distillation)");
        ObjectNode teacher = object("the teacher: a trained ONNX model with the model's input and number of outputs");
        props(teacher).set("file", orVar(string("an ONNX file, relative to the file naming it")));
        teacher.putArray("required").add("file");
        props(distill).set("teacher", teacher);
        props(distill).set("loss", orVar(ref("loss")));
        props(distill).set("train", ref("train-body"));
        distill.putArray("required").add("teacher").add("train");
        defs.set("distill-body", distill);

        ObjectNode export = object("write the model");
        props(export).set("format", orVar(oneOfStrings(List.of("onnx")).put("default", "onnx")));
        defs.set("export-body", export);
    }

    private static ObjectNode props(ObjectNode object) {
        return (ObjectNode) object.get("properties");
    }

    private static ObjectNode object(String description) {
        ObjectNode o = NODES.objectNode().put("type", "object");
        if (description != null) {
            o.put("description", description);
        }
        o.putObject("properties");
        return o.put("additionalProperties", false);
    }

    private static ObjectNode string(String description) {
        return NODES.objectNode().put("type", "string").put("description", description);
    }

    private static ObjectNode nullable(String type, String description) {
        ObjectNode s = NODES.objectNode().put("description", description);
        s.putArray("type").add(type).add("null");
        return s;
    }

    private static ObjectNode integer(Integer min, Integer max) {
        ObjectNode s = NODES.objectNode().put("type", "integer");
        if (min != null) {
            s.put("minimum", min);
        }
        if (max != null) {
            s.put("maximum", max);
        }
        return s;
    }
}
