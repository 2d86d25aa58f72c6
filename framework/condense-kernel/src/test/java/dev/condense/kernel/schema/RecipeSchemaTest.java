package dev.condense.kernel.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.kernel.plan.FakeLookup;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecipeSchemaTest {
    private final ObjectNode schema = RecipeSchema.generate(new FakeLookup());

    /** Follows {@code $ref}s. */
    private JsonNode deref(JsonNode node) {
        JsonNode n = node;
        while (n.has("$ref")) {
            n = schema.at(n.get("$ref").asText().substring(1));
        }
        return n;
    }

    @Test
    void isDraft202012WithTheBuiltInStructure() {
        assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
        assertEquals(Set.of("extends", "vars", "recipe", "seed", "model", "data", "stages", "output"),
                Set.copyOf(keys(schema.get("properties").fieldNames())));
        assertFalse(schema.get("additionalProperties").asBoolean());
        assertFalse(schema.has("required"), "a base file for extends may be partial");
        assertEquals("epochs", schema.at("/$defs/train-body/required/0").asText());
        assertTrue(deref(schema.at("/$defs/prune-body/properties/layers")).get("properties").has("include"));
    }

    @Test
    void scorerParamsComeFromTheInstalledRecords() {
        JsonNode scorer = schema.at("/$defs/scorer");
        assertEquals("[\"fpgm\",\"magnitude\",\"snip\"]", scorer.at("/anyOf/0/enum").toString());
        JsonNode norm = scorer.at("/anyOf/1/properties/magnitude/properties/norm/anyOf/0");
        assertEquals("string", norm.get("type").asText());
        assertEquals("l1", norm.get("default").asText(), "the default the compact constructor fills in");
        JsonNode snip = scorer.at("/anyOf/1/properties/snip");
        assertEquals("[\"batches\"]", snip.get("required").toString(), "a primitive is required");
        assertEquals("integer", snip.at("/properties/batches/anyOf/0/type").asText());
        assertEquals("fake snip", snip.get("description").asText());
        assertFalse(snip.get("additionalProperties").asBoolean());
    }

    @Test
    void enumsComeFromEnumTypesAndTheValuesConstantConvention() {
        ObjectNode s = ParamsSchema.of(Shape.class);
        assertEquals("[\"CUBIC\",\"LINEAR\"]", s.at("/properties/ramp/anyOf/0/enum").toString());
        assertEquals("[\"l1\",\"l2\"]", s.at("/properties/norm/anyOf/0/enum").toString());
        assertEquals("l2", s.at("/properties/norm/anyOf/0/default").asText());
        assertEquals(0.5, s.at("/properties/keep/anyOf/0/default").asDouble());
        assertEquals("[\"steps\"]", s.get("required").toString());
    }

    @Test
    void pluginStagesAreStageKindsAndScalarsAcceptVars() throws Exception {
        JsonNode stage = schema.at("/$defs/stage");
        assertTrue(stage.at("/anyOf/1/properties").has("search"));
        assertTrue(stage.at("/anyOf/0/enum").toString().contains("search"));
        assertTrue(stage.at("/anyOf/1/properties").has("distill"));
        assertTrue(schema.at("/$defs/loss").toString().contains("soft-label"), "the installed losses are listed");
        assertEquals("[\"minmax\"]", schema.at("/$defs/calibrator/anyOf/0/enum").toString(), "the installed calibrators");
        assertEquals("#/$defs/var-ref", schema.at("/properties/seed/anyOf/1/$ref").asText());
        String json = RecipeSchema.json(new FakeLookup());
        assertEquals(schema, JsonMapper.builder().build().readTree(json));
        assertTrue(json.endsWith("}\n"));
    }

    private static <T> List<T> keys(java.util.Iterator<T> it) {
        List<T> all = new java.util.ArrayList<>();
        it.forEachRemaining(all::add);
        return all;
    }

    /** A params record with an enum, a constrained string with a default, a boxed default and a required primitive. */
    public record Shape(Ramp ramp, String norm, Double keep, int steps) {
        public static final Set<String> NORMS = Set.of("l1", "l2");

        public Shape {
            norm = norm == null ? "l2" : norm;
            keep = keep == null ? 0.5 : keep;
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be >= 1");
            }
        }
    }

    /** A ramp. */
    public enum Ramp { CUBIC, LINEAR }
}
