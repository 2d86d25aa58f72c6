package dev.condense.kernel.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.condense.engine.text.Quote;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Substitutes {@code ${name}} and {@code ${name:-default}} in the string values of a recipe from its {@code vars}
 * mapping, then removes {@code vars}.
 *
 * <p>A value that is exactly one reference takes the var's value with its type ({@code lr: ${lr}} stays a number) and
 * its location (where the var is written: in {@code vars}, a base file or on the command line), so a bad value is
 * reported where it is written; a default is read as a YAML scalar, so {@code ${s:-0.5}} is a number too, located at
 * the reference. References inside longer text are replaced
 * by the var's text; such a var must be a scalar. {@code $${} writes a literal {@code ${}. Keys are not substituted,
 * nor are the values of {@code vars} themselves. An unknown var without default is an error at the value.
 */
final class VarSubstitution {
    /** The top-level key declaring variables. */
    static final String VARS = "vars";
    /** A var name: a letter or underscore, then letters, digits, {@code _} or {@code -}. */
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final Pattern WHOLE = Pattern.compile("\\$\\{([^}]*)}");

    private final Map<String, JsonNode> vars;
    private final LocatedTree tree;

    private VarSubstitution(LocatedTree tree, Map<String, JsonNode> vars) {
        this.tree = tree;
        this.vars = vars;
    }

    static void apply(TreeEdit edit) {
        LocatedTree tree = edit.build();
        String varsPointer = LocatedTree.child("", VARS);
        Map<String, JsonNode> vars = new LinkedHashMap<>();
        if (tree.root().isObject() && tree.root().has(VARS)) {
            NodeRef ref = tree.rootRef().child(VARS);
            if (!ref.node().isNull()) {
                if (!ref.node().isObject()) {
                    throw ref.fail("expected a mapping of names to values for vars but found " + ref.describe());
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = ref.node().fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!NAME.matcher(e.getKey()).matches()) {
                        throw new RecipeException(tree.keyAt(LocatedTree.child(varsPointer, e.getKey())), "var name "
                                + Quote.single(e.getKey()) + " must start with a letter or '_' and hold only letters, digits, '_' and '-'");
                    }
                    vars.put(e.getKey(), e.getValue());
                }
            }
            edit.remove(varsPointer);
        }
        VarSubstitution s = new VarSubstitution(tree, vars);
        List<String> pointers = new ArrayList<>();
        strings(edit.root(), "", pointers);
        for (String p : pointers) {
            String text = edit.get(p).asText();
            Matcher whole = WHOLE.matcher(text);
            String name = whole.matches() ? whole.group(1).split(":-", 2)[0] : "";
            if (vars.containsKey(name)) {
                edit.graftValue(p, tree, LocatedTree.child(varsPointer, name));
            } else if (text.contains("${")) {
                edit.put(p, s.substitute(p, text), tree.at(p));
            }
        }
    }

    private static void strings(JsonNode node, String pointer, List<String> out) {
        if (node.isTextual()) {
            out.add(pointer);
        } else if (node.isObject()) {
            node.fieldNames().forEachRemaining(k -> strings(node.get(k), LocatedTree.child(pointer, k), out));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                strings(node.get(i), LocatedTree.child(pointer, Integer.toString(i)), out);
            }
        }
    }

    private JsonNode substitute(String pointer, String text) {
        Matcher whole = WHOLE.matcher(text);
        if (whole.matches()) {
            return lookup(pointer, text, whole.group(1)).deepCopy();
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw new RecipeException(tree.at(pointer), "unclosed '${' in " + Quote.dquote(text) + " (write $${ for a literal ${)");
                }
                JsonNode value = lookup(pointer, text, text.substring(i + 2, end));
                if (!value.isValueNode() || value.isNull()) {
                    throw new RecipeException(tree.at(pointer), "var in " + Quote.dquote(text) + " is " + NodeRef.describe(value)
                            + "; only a scalar can be part of a longer text");
                }
                out.append(value.asText());
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return TextNode.valueOf(out.toString());
    }

    private JsonNode lookup(String pointer, String text, String expression) {
        int dash = expression.indexOf(":-");
        String name = dash < 0 ? expression : expression.substring(0, dash);
        if (!NAME.matcher(name).matches()) {
            throw new RecipeException(tree.at(pointer), "invalid var reference '${" + expression + "}' in \"" + text
                    + "\" (write ${name} or ${name:-default}; $${ for a literal ${)");
        }
        JsonNode value = vars.get(name);
        if (value != null) {
            return value;
        }
        if (dash >= 0) {
            return RecipeOverride.parseScalar(expression.substring(dash + 2));
        }
        throw new RecipeException(tree.at(pointer), "unknown var " + Quote.single(name) + " in " + Quote.dquote(text)
                + Suggestions.hint(name, vars.keySet()) + (vars.isEmpty() ? "; the recipe declares no vars"
                : "; declared vars: " + String.join(", ", vars.keySet())) + " (or give a default: ${" + name + ":-VALUE})");
    }
}
