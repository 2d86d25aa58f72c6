package dev.condense.kernel.stage.distill;

import static dev.condense.kernel.schema.SchemaNodes.object;
import static dev.condense.kernel.schema.SchemaNodes.orVar;
import static dev.condense.kernel.schema.SchemaNodes.props;
import static dev.condense.kernel.schema.SchemaNodes.ref;
import static dev.condense.kernel.schema.SchemaNodes.string;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.ModelSpec;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.RecipeLoader;
import dev.condense.kernel.recipe.TrainParser;
import dev.condense.kernel.stage.StageKind;
import dev.condense.kernel.stage.StageSpec;
import java.util.List;

/**
 * {@code distill: {teacher: {file: t.onnx}, loss: soft-label | {id: params}, train: {...}}}: train the model on a
 * trained teacher's logits; the loss defaults to {@code soft-label}. Optionally a layer map
 * {@code features: [{student, teacher, loss, weight, pick, project}]} ({@link FeatureMapEntry}) adds feature losses,
 * {@code logits-weight: W} weighs the logits loss (0: features only) and {@code normalize: true} scales each feature
 * term to the logits loss's magnitude at the first batch. {@code teacher-cache: auto | on | off} ({@link TeacherCacheMode})
 * reads the teacher's outputs per row from a file computed once instead of running the teacher every step.
 */
public final class DistillKind implements StageKind {
    private static final List<String> KEYS = List.of("teacher", "loss", "train", "features", "logits-weight", "normalize",
            "teacher-cache");
    /** The loss a distill stage uses when it names none. */
    public static final String DEFAULT_LOSS = "soft-label";

    @Override
    public String id() {
        return "distill";
    }

    @Override
    public boolean bare() {
        return false;
    }

    @Override
    public ObjectNode schema(ObjectNode defs) {
        ObjectNode distill = object("train the model on a trained teacher's logits (knowledge distillation)");
        ObjectNode teacher = object("the teacher: a trained ONNX model with the model's input and number of outputs");
        props(teacher).set("file", orVar(string("an ONNX file, relative to the file naming it")));
        teacher.putArray("required").add("file");
        props(distill).set("teacher", teacher);
        props(distill).set("loss", orVar(ref("loss")));
        props(distill).set("train", ref("train-body"));
        ObjectNode entry = object("a student tensor (or re:REGEX) learning from a teacher tensor through a feature loss");
        props(entry).set("student", orVar(string("a tensor of the model (node output or input), or re:REGEX")));
        props(entry).set("teacher", orVar(string("a node output of the teacher, or re:REGEX")));
        props(entry).set("loss", orVar(ref("loss")));
        props(entry).set("weight", orVar(number("weight of the term in the total loss, >= 0; default 1")));
        props(entry).set("pick", orVar(string("which of more teacher tensors: skip (every M/k-th) or last")));
        props(entry).set("project", orVar(bool("insert a learned projection when widths differ; default true")));
        entry.putArray("required").add("student").add("teacher").add("loss");
        ObjectNode list = distill.objectNode().put("type", "array").put("description", "the layer map");
        list.set("items", entry);
        props(distill).set("features", list);
        props(distill).set("logits-weight", orVar(number("weight of the logits loss, >= 0; default 1 (0: features only)")));
        props(distill).set("normalize", orVar(bool("scale each feature term to the logits loss at the first batch")));
        ObjectNode cache = string("compute the teacher once per training row and reuse it every epoch: auto (when"
                + " no augmentation changes the rows), on, off; default auto");
        cache.putArray("enum").add("auto").add("on").add("off");
        ObjectNode cacheOrBool = distill.objectNode();
        cacheOrBool.putArray("anyOf").add(cache).add(bool("true: on, false: off"));
        props(distill).set("teacher-cache", orVar(cacheOrBool));
        distill.putArray("required").add("teacher").add("train");
        defs.set("distill-body", distill);
        return ref("distill-body");
    }

    @Override
    public StageSpec parse(NodeRef body, Location at) {
        body.expectObject(KEYS);
        NodeRef teacherNode = body.required("teacher");
        ModelSpec teacher = RecipeLoader.model(teacherNode);
        if (teacher.zooId().isPresent()) {
            throw teacherNode.child("zoo").fail("a teacher must be a trained model file ({file: teacher.onnx}); "
                    + "zoo models are untrained");
        }
        if (teacher.textEncoder().isPresent()) {
            throw teacherNode.child("encoder").fail("a teacher must be a trained model file ({file: teacher.onnx});"
                    + " an encoder spec has an untrained head: train it in its own recipe and name its model.onnx");
        }
        ExtensionRef loss = body.optional("loss").map(n -> ExtensionRef.read(n, "a loss"))
                .orElseGet(() -> new ExtensionRef(DEFAULT_LOSS, at, new NodeRef(body.tree(), body.pointer(),
                        NullNode.instance)));
        TrainSpec train = TrainParser.read(body.required("train"));
        List<FeatureMapEntry> features = body.optional("features")
                .map(n -> n.elements().stream().map(FeatureMapEntry::read).toList()).orElse(List.of());
        double logitsWeight = body.optional("logits-weight").map(n -> {
            double w = n.asDouble();
            if (!(w >= 0 && Double.isFinite(w))) {
                throw n.fail("logits-weight must be finite and >= 0, was " + w);
            }
            return w;
        }).orElse(1.0);
        boolean normalize = body.optional("normalize").map(n -> {
            if (!n.node().isBoolean()) {
                throw n.fail("expected true or false for normalize but found " + n.describe());
            }
            return n.node().asBoolean();
        }).orElse(false);
        if (features.isEmpty() && logitsWeight == 0) {
            throw body.child("logits-weight").fail("logits-weight 0 leaves nothing to train on without features");
        }
        TeacherCacheMode cache = body.optional("teacher-cache").map(n -> TeacherCacheMode.read(n, train))
                .orElse(TeacherCacheMode.AUTO);
        return new DistillStageSpec(teacher, teacherNode.child("file").location(), loss, train, features,
                logitsWeight, normalize, cache, at);
    }

    private static ObjectNode number(String description) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("type", "number")
                .put("minimum", 0).put("description", description);
    }

    private static ObjectNode bool(String description) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("type", "boolean")
                .put("description", description);
    }
}
