package dev.condense.kernel.recipe;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.engine.text.Quote;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.AliasEvent;

/**
 * Reads one YAML document into a {@link LocatedTree}, streaming Jackson's YAML parser so that the location of every
 * node and key is kept. Duplicate keys are rejected (YAML forbids them; silently keeping the last would hide typos).
 *
 * <p>Anchors and aliases work as YAML defines them: {@code *name} stands for a copy of the node anchored
 * {@code &name} before it (a scalar, mapping or list). The copy's own location is the alias; the values and keys
 * inside it keep the locations where the anchored node wrote them. An alias to no earlier anchor, or to the node that
 * contains it, is an error at the alias; an alias cannot be a mapping key. Merge keys ({@code <<: *base} or
 * {@code <<: [*a, *b]}) work as in YAML 1.1: the mapping gets every key of the merged mappings that it does not write
 * itself (the first merged mapping wins among them). A document may hold at most {@link Expansion#MAX_NODES} nodes
 * after every alias is expanded (see {@link Expansion}), so a "billion laughs" document is an error, not a hang.
 */
public final class YamlReader {
    /** Builds no BigDecimal nodes (YAML floats are read as doubles), so the decimal setting of the factory is moot. */
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String MERGE = "<<";

    private final Path file;
    private final Map<String, Location> values = new HashMap<>();
    private final Map<String, Location> keys = new HashMap<>();
    private final Expansion expansion = new Expansion();
    private final Map<String, Anchor> anchors = new HashMap<>();
    private final Map<String, Integer> open = new HashMap<>();

    /** An anchored node: where it was read and how many nodes it holds. */
    private record Anchor(String pointer, JsonNode node, long size) {
    }

    private YamlReader(Path file) {
        this.file = file;
    }

    /**
     * Reads the recipe file {@code file} ({@link RecipeFiles}: a regular file of at most 1 MiB of UTF-8).
     *
     * @throws RecipeException when the file is missing, not a regular file, unreadable or too large (line 0), not
     *                         UTF-8 (at the first bad byte), not valid YAML (at Jackson's location), empty, or holds
     *                         more than one document
     */
    public static LocatedTree read(Path file) {
        return read(file, "recipe file", m -> new RecipeException(Location.ofFile(file), m));
    }

    /** As {@link #read(Path)}, naming the file {@code what} and making whole-file problems with {@code fail}. */
    static LocatedTree read(Path file, String what, Function<String, RecipeException> fail) {
        return parse(file, RecipeFiles.read(file, what, fail));
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
            throw new RecipeException(Location.ofFile(file), "cannot read recipe: " + e.getClass().getSimpleName(), e);
        }
    }

    private static LocatedTree parse(Path file, Reader in) throws IOException {
        YamlReader reader = new YamlReader(file);
        EventYamlFactory.EventParser parser = (EventYamlFactory.EventParser) new EventYamlFactory().createParser(in);
        try (parser) {
            if (parser.nextToken() == null) {
                throw new RecipeException(new Location(file, 1, 1), "the recipe is empty");
            }
            JsonNode root = reader.readValue(parser, "");
            if (parser.nextToken() != null) {
                throw new RecipeException(reader.location(parser), "a recipe holds a single YAML document");
            }
            return new LocatedTree(file, root, reader.values, reader.keys);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation() != null ? e.getLocation() : parser.currentLocation(); // e.g. too deep
            throw new RecipeException(reader.location(where), "invalid YAML: " + syntaxMessage(e), e);
        }
    }

    private JsonNode readValue(EventYamlFactory.EventParser p, String pointer) throws IOException {
        Location at = location(p);
        expansion.count(pointer, at);
        values.put(pointer, at);
        if (p.isCurrentAlias()) {
            return alias(p.getText(), pointer, at);
        }
        String anchor = p.anchor();
        if (anchor == null) {
            return readPlain(p, pointer);
        }
        long before = expansion.nodes();
        open.merge(anchor, 1, Integer::sum);
        JsonNode node = readPlain(p, pointer);
        open.computeIfPresent(anchor, (k, n) -> n == 1 ? null : n - 1);
        anchors.put(anchor, new Anchor(pointer, node, expansion.nodes() - before + 1));
        return node;
    }

    private JsonNode readPlain(EventYamlFactory.EventParser p, String pointer) throws IOException {
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

    /** A copy of the node anchored {@code name}, its inner locations copied from the anchor's. */
    private JsonNode alias(String name, String pointer, Location at) {
        Anchor a = anchors.get(name);
        if (a == null) {
            throw new RecipeException(at, open.containsKey(name)
                    ? "alias *" + Quote.cut(name) + " lies inside the node anchored &" + Quote.cut(name)
                            + "; a recursive alias cannot be expanded"
                    : "undefined alias *" + Quote.cut(name) + " (no anchor &" + Quote.cut(name) + " before it)");
        }
        expansion.reserve(a.size() - 1, at);
        copyLocations(a.node(), a.pointer(), pointer, at);
        return a.node().deepCopy();
    }

    /** Copies the locations of the values (and keys) inside {@code node} from below {@code from} to below {@code to}. */
    private void copyLocations(JsonNode node, String from, String to, Location at) {
        if (node.isObject()) {
            for (var it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                copyEntry(node.get(key), LocatedTree.child(from, key), LocatedTree.child(to, key), true, at);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String index = Integer.toString(i);
                copyEntry(node.get(i), LocatedTree.child(from, index), LocatedTree.child(to, index), false, at);
            }
        }
    }

    private void copyEntry(JsonNode child, String from, String to, boolean keyed, Location at) {
        expansion.path(to, at);
        values.put(to, values.get(from));
        if (keyed && keys.containsKey(from)) {
            keys.put(to, keys.get(from));
        }
        copyLocations(child, from, to, at);
    }

    private ObjectNode readObject(EventYamlFactory.EventParser p, String pointer) throws IOException {
        ObjectNode object = NODES.objectNode();
        Set<String> merged = new HashSet<>();
        boolean mergeSeen = false;
        while (true) {
            AliasEvent aliasKey = p.aliasAhead();
            if (aliasKey != null) {
                throw new RecipeException(location(aliasKey.getStartMark()), "an alias (*"
                        + Quote.cut(aliasKey.getAnchor()) + ") cannot be a mapping key; write the key itself");
            }
            if (p.nextToken() != JsonToken.FIELD_NAME) {
                return object;
            }
            String name = p.currentName();
            String child = LocatedTree.child(pointer, name);
            Location keyLocation = location(p);
            if (name.equals(MERGE)) {
                if (mergeSeen) {
                    throw new RecipeException(keyLocation, "duplicate merge key '<<'");
                }
                mergeSeen = true;
                p.nextToken();
                merge(object, merged, pointer, readValue(p, child), child);
                continue;
            }
            if (object.has(name) && !merged.remove(name)) {
                throw new RecipeException(keyLocation, "duplicate key " + Quote.single(name) + " (first at line "
                        + keys.get(child).line() + ")");
            }
            keys.put(child, keyLocation);
            p.nextToken();
            object.set(name, readValue(p, child));
        }
    }

    /** Adds to {@code object} the keys of the merge value {@code value} (read at {@code at}) it does not have. */
    private void merge(ObjectNode object, Set<String> merged, String pointer, JsonNode value, String at) {
        if (value.isObject()) {
            mergeOne(object, merged, pointer, value, at);
            return;
        }
        if (value.isArray() && value.size() > 0) {
            for (int i = 0; i < value.size(); i++) {
                if (!value.get(i).isObject()) {
                    throw new RecipeException(values.get(LocatedTree.child(at, Integer.toString(i))),
                            "a merge key '<<' takes a mapping or a list of mappings, but item " + (i + 1) + " is "
                                    + NodeRef.describe(value.get(i)));
                }
            }
            for (int i = 0; i < value.size(); i++) {
                mergeOne(object, merged, pointer, value.get(i), LocatedTree.child(at, Integer.toString(i)));
            }
            return;
        }
        throw new RecipeException(values.get(at), "a merge key '<<' takes a mapping or a list of mappings (usually "
                + "aliases), but found " + NodeRef.describe(value));
    }

    private void mergeOne(ObjectNode object, Set<String> merged, String pointer, JsonNode source, String from) {
        for (var it = source.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (object.has(key)) {
                continue;
            }
            object.set(key, source.get(key));
            merged.add(key);
            copyEntry(source.get(key), LocatedTree.child(from, key), LocatedTree.child(pointer, key), true,
                    values.get(from));
        }
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

    private Location location(Mark m) {
        return m == null ? Location.ofFile(file) : new Location(file, m.getLine() + 1, m.getColumn() + 1);
    }

    /** The YAML parser's problem, with its context ("while parsing a flow mapping at line 3, column 5"). */
    private static String syntaxMessage(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null) {
            return syntaxMessage(m);
        }
        return Quote.message(firstLine(e.getOriginalMessage()));
    }

    private static String syntaxMessage(MarkedYAMLException m) {
        if (m.getProblem() != null) {
            StringBuilder sb = new StringBuilder(m.getProblem().strip());
            if (m.getContext() != null) {
                sb.append(" (").append(m.getContext().strip());
                if (m.getContextMark() != null) {
                    sb.append(" started at line ").append(m.getContextMark().getLine() + 1)
                            .append(", column ").append(m.getContextMark().getColumn() + 1);
                }
                sb.append(')');
            }
            return Quote.message(sb.toString());
        }
        return Quote.message(firstLine(m.getMessage()));
    }

    private static String firstLine(String message) {
        String m = message == null ? "syntax error" : message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }
}
