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
 * trained teacher's logits; the loss defaults to {@code soft-label}.
 */
public final class DistillKind implements StageKind {
    private static final List<String> KEYS = List.of("teacher", "loss", "train");
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
        ExtensionRef loss = body.optional("loss").map(n -> ExtensionRef.read(n, "a loss"))
                .orElseGet(() -> new ExtensionRef(DEFAULT_LOSS, at, new NodeRef(body.tree(), body.pointer(),
                        NullNode.instance)));
        TrainSpec train = TrainParser.read(body.required("train"));
        return new DistillStageSpec(teacher, teacherNode.child("file").location(), loss, train, at);
    }
}
