package dev.condense.kernel.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Builders of JSON Schema nodes, shared by the recipe schema and the stage kinds' body schemas. */
public final class SchemaNodes {
    /** The node factory. */
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SchemaNodes() {
    }

    /** {@code schema} or a whole {@code ${var}} reference. */
    public static ObjectNode orVar(ObjectNode schema) {
        ObjectNode any = NODES.objectNode();
        ArrayNode options = any.putArray("anyOf");
        options.add(schema);
        options.add(ref("var-ref"));
        return any;
    }

    /** A reference to {@code #/$defs/def}. */
    public static ObjectNode ref(String def) {
        return NODES.objectNode().put("$ref", "#/$defs/" + def);
    }

    /** A mapping holding exactly one of its properties. */
    public static ObjectNode single(ObjectNode o) {
        return o.put("type", "object").put("minProperties", 1).put("maxProperties", 1).put("additionalProperties", false);
    }

    /** A string enumeration. */
    public static ObjectNode oneOfStrings(List<String> values) {
        ObjectNode s = NODES.objectNode().put("type", "string");
        ArrayNode e = s.putArray("enum");
        values.forEach(e::add);
        return s;
    }

    /** The {@code properties} of an {@link #object}. */
    public static ObjectNode props(ObjectNode object) {
        return (ObjectNode) object.get("properties");
    }

    /** A closed mapping (no other keys), with a description unless null. */
    public static ObjectNode object(String description) {
        ObjectNode o = NODES.objectNode().put("type", "object");
        if (description != null) {
            o.put("description", description);
        }
        o.putObject("properties");
        return o.put("additionalProperties", false);
    }

    /** A described string. */
    public static ObjectNode string(String description) {
        return NODES.objectNode().put("type", "string").put("description", description);
    }

    /** A described value of {@code type} or null. */
    public static ObjectNode nullable(String type, String description) {
        ObjectNode s = NODES.objectNode().put("description", description);
        s.putArray("type").add(type).add("null");
        return s;
    }

    /** An integer in [min, max], each bound optional (null). */
    public static ObjectNode integer(Integer min, Integer max) {
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
