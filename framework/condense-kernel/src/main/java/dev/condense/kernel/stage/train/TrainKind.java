package dev.condense.kernel.stage.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.TrainParser;
import dev.condense.kernel.schema.SchemaNodes;
import dev.condense.kernel.stage.StageKind;
import dev.condense.kernel.stage.StageSpec;

/** {@code train: {epochs, batch, optimizer, limit, lr-schedule, augment}}: train the model on the recipe's data. */
public final class TrainKind implements StageKind {

    @Override
    public String id() {
        return "train";
    }

    @Override
    public boolean bare() {
        return false;
    }

    @Override
    public ObjectNode schema(ObjectNode defs) {
        return SchemaNodes.ref("train-body");
    }

    @Override
    public StageSpec parse(NodeRef body, Location at) {
        return new TrainStageSpec(TrainParser.read(body), at);
    }
}
