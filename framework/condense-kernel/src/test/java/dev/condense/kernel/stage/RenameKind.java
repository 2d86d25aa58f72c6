package dev.condense.kernel.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.schema.SchemaNodes;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A test-only stage kind, {@code rename: {from: TENSOR, to: NAME}}, registered through the MapBinder by a test
 * module and by nothing in the kernel: it renames a weight, so a later stage's selectors must follow the new name.
 */
final class RenameKind implements StageKind {

    @Override
    public String id() {
        return "rename";
    }

    @Override
    public boolean bare() {
        return false;
    }

    @Override
    public ObjectNode schema(ObjectNode defs) {
        ObjectNode body = SchemaNodes.object("rename a weight (test kind)");
        SchemaNodes.props(body).set("from", SchemaNodes.string("the weight"));
        SchemaNodes.props(body).set("to", SchemaNodes.string("its new name"));
        return body;
    }

    @Override
    public StageSpec parse(NodeRef body, Location at) {
        body.expectObject(List.of("from", "to"));
        NodeRef from = body.required("from");
        return new Spec(from.asText(), from.location(), body.required("to").asText(), at);
    }

    record Spec(String from, Location fromAt, String to, Location location) implements StageSpec {
        @Override
        public String kind() {
            return "rename";
        }

        @Override
        public PlannedStage plan(PlanContext context) {
            return new Step(from, fromAt, to, location);
        }
    }

    record Step(String from, Location fromAt, String to, Location location) implements PlannedStage {
        @Override
        public String kind() {
            return "rename";
        }

        @Override
        public Preview preview(ModelGraph graph) {
            if (!graph.initializers().containsKey(from)) {
                throw new RecipeException(fromAt, "no weight named " + from);
            }
            return Preview.unchanged(rename(graph), "rename: " + from + " -> " + to);
        }

        @Override
        public ModelGraph run(ModelGraph graph, StageRun run) {
            run.context().report("renamed", from);
            return rename(graph);
        }

        @Override
        public Object resolvedBody() {
            return ResolvedBodies.ordered("from", from, "to", to);
        }

        private ModelGraph rename(ModelGraph graph) {
            INDArray w = graph.initializers().get(from);
            ModelGraph.Builder b = graph.toBuilder().clearNodes().removeInitializer(from).initializer(to, w);
            for (Node n : graph.nodes()) {
                List<String> inputs = n.inputs().stream().map(i -> i.equals(from) ? to : i).toList();
                b.node(new Node(n.name(), n.opType(), inputs, n.outputs(), n.attributes()));
            }
            return b.build();
        }
    }
}
