package dev.condense.kernel.recipe;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads one YAML document into a {@link LocatedTree}, streaming Jackson's YAML parser so that the location of every
 * node and key is kept. Duplicate keys are rejected (YAML forbids them; silently keeping the last would hide typos).
 */
public final class YamlReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private final Path file;
    private final Map<String, Location> values = new HashMap<>();
    private final Map<String, Location> keys = new HashMap<>();

    private YamlReader(Path file) {
        this.file = file;
    }

    /**
     * Reads {@code file}.
     *
     * @throws RecipeException when the file is missing or unreadable (line 0), not valid YAML (at Jackson's
     *                         location), empty, or holds more than one document
     */
    public static LocatedTree read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RecipeException(Location.ofFile(file), "recipe file not found");
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file, in);
        } catch (NoSuchFileException e) {
            throw new RecipeException(Location.ofFile(file), "recipe file not found", e);
        } catch (IOException e) {
            throw new RecipeException(Location.ofFile(file), "cannot read recipe: " + e.getMessage(), e);
        }
    }

    /**
     * Parses {@code text} as if it were the content of {@code file} (which is not read): locations name {@code file}.
     *
     * @throws RecipeException as {@link #read(Path)}
     */
    public static LocatedTree parse(Path file, String text) {
        try (Reader in = new StringReader(text)) {
            return parse(file, in);
        } catch (IOException e) {
            throw new RecipeException(Location.ofFile(file), "cannot read recipe: " + e.getMessage(), e);
        }
    }

    private static LocatedTree parse(Path file, Reader in) throws IOException {
        YamlReader reader = new YamlReader(file);
        try (JsonParser parser = new YAMLFactory().createParser(in)) {
            if (parser.nextToken() == null) {
                throw new RecipeException(new Location(file, 1, 1), "the recipe is empty");
            }
            JsonNode root = reader.readValue(parser, "");
            if (parser.nextToken() != null) {
                throw new RecipeException(reader.location(parser), "a recipe holds a single YAML document");
            }
            return new LocatedTree(file, root, reader.values, reader.keys);
        } catch (JsonProcessingException e) {
            throw new RecipeException(reader.location(e.getLocation()), "invalid YAML: " + syntaxMessage(e), e);
        }
    }

    private JsonNode readValue(JsonParser p, String pointer) throws IOException {
        values.put(pointer, location(p));
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT:
                return readObject(p, pointer);
            case START_ARRAY:
                ArrayNode array = NODES.arrayNode();
                for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
                    array.add(readValue(p, LocatedTree.child(pointer, Integer.toString(i))));
                }
                return array;
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new RecipeException(location(p), "unsupported YAML content: " + token);
        }
    }

    private ObjectNode readObject(JsonParser p, String pointer) throws IOException {
        ObjectNode object = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            String child = LocatedTree.child(pointer, name);
            Location keyLocation = location(p);
            if (object.has(name)) {
                throw new RecipeException(keyLocation, "duplicate key '" + name + "' (first at line "
                        + keys.get(child).line() + ")");
            }
            keys.put(child, keyLocation);
            p.nextToken();
            object.set(name, readValue(p, child));
        }
        return object;
    }

    private Location location(JsonParser p) {
        return location(p.currentTokenLocation());
    }

    private Location location(JsonLocation l) {
        if (l == null || l.getLineNr() < 1) {
            return Location.ofFile(file);
        }
        return new Location(file, l.getLineNr(), Math.max(l.getColumnNr(), 1));
    }

    /** The YAML parser's problem, with its context ("while parsing a flow mapping at line 3, column 5"). */
    private static String syntaxMessage(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null) {
            StringBuilder sb = new StringBuilder(m.getProblem().strip());
            if (m.getContext() != null) {
                sb.append(" (").append(m.getContext().strip());
                if (m.getContextMark() != null) {
                    sb.append(" started at line ").append(m.getContextMark().getLine() + 1)
                            .append(", column ").append(m.getContextMark().getColumn() + 1);
                }
                sb.append(')');
            }
            return sb.toString();
        }
        return firstLine(e.getOriginalMessage());
    }

    private static String firstLine(String message) {
        String m = message == null ? "syntax error" : message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }
}
