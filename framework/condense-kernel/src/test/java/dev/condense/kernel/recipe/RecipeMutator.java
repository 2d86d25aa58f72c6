package dev.condense.kernel.recipe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Mutations of generated recipes for the property test: on the tree (deleted keys, renamed keys, wrong types,
 * out-of-range numbers, unknown var references) and on the text (truncation, YAML indicators, random unicode,
 * indentation changes, duplicated lines).
 */
final class RecipeMutator {
    private static final String INDICATORS = "{}[]:,#&*!|>'\"%@`-?\t\\$";
    private static final List<Object> WRONG = List.of("x", List.of(1), Map.of("a", 1), true, 1.5, -1, 1_000_000_000,
            "${nope}", "${", "", "re:(", "-0.5", 1e300);

    private final Random random;

    RecipeMutator(Random random) {
        this.random = random;
    }

    /** Mutates {@code tree} in place, 1 to 3 times. */
    void mutateTree(Map<String, Object> tree) {
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            List<Object[]> slots = new ArrayList<>();
            slots(tree, slots);
            Object[] slot = slots.get(random.nextInt(slots.size()));
            mutate(slot);
        }
    }

    @SuppressWarnings("unchecked")
    private void mutate(Object[] slot) {
        Object container = slot[0];
        Object key = slot[1];
        Object replacement = switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> WRONG.get(random.nextInt(WRONG.size()));
            case 2 -> outOfRange();
            default -> "renamed";
        };
        if (container instanceof Map<?, ?> m) {
            Map<String, Object> map = (Map<String, Object>) m;
            if ("renamed".equals(replacement)) {
                Object value = map.remove(key);
                map.put(key + (random.nextBoolean() ? "x" : "") + (char) ('a' + random.nextInt(26)), value);
            } else if (replacement == null) {
                map.remove(key);
            } else {
                map.put((String) key, replacement);
            }
        } else {
            List<Object> list = (List<Object>) container;
            list.set((Integer) key, replacement == null ? "renamed" : replacement);
        }
    }

    private Object outOfRange() {
        return switch (random.nextInt(5)) {
            case 0 -> -1;
            case 1 -> 1.0;
            case 2 -> Long.MAX_VALUE;
            case 3 -> 0;
            default -> 70000;
        };
    }

    /** Every (container, key) pair of the tree, containers made mutable on the way. */
    @SuppressWarnings("unchecked")
    private static void slots(Object node, List<Object[]> out) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> map = (Map<String, Object>) m;
            for (String k : new ArrayList<>(map.keySet())) {
                map.put(k, mutable(map.get(k)));
                out.add(new Object[] {map, k});
                slots(map.get(k), out);
            }
        } else if (node instanceof List<?> l) {
            List<Object> list = (List<Object>) l;
            for (int i = 0; i < list.size(); i++) {
                list.set(i, mutable(list.get(i)));
                out.add(new Object[] {list, i});
                slots(list.get(i), out);
            }
        }
    }

    private static Object mutable(Object o) {
        if (o instanceof Map<?, ?> m) {
            return new LinkedHashMap<>(m);
        } else if (o instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        return o;
    }

    /** Mutates the rendered text once. */
    String mutateText(String text) {
        int at = text.isEmpty() ? 0 : random.nextInt(text.length());
        return switch (random.nextInt(6)) {
            case 0 -> text.substring(0, at);
            case 1 -> text.substring(0, at) + INDICATORS.charAt(random.nextInt(INDICATORS.length())) + text.substring(at);
            case 2 -> text.substring(0, at) + unicode(1 + random.nextInt(8)) + text.substring(at);
            case 3 -> reindent(text);
            case 4 -> duplicateLine(text);
            default -> unicode(random.nextInt(200));
        };
    }

    private String unicode(int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int cp = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(Character.MAX_CODE_POINT + 1);
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private String reindent(String text) {
        String[] lines = text.split("\n", -1);
        int i = random.nextInt(lines.length);
        lines[i] = random.nextBoolean() ? " " + lines[i] : lines[i].replaceFirst("^ ", "");
        return String.join("\n", lines);
    }

    private String duplicateLine(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int i = random.nextInt(lines.size());
        lines.add(i, lines.get(i));
        return String.join("\n", lines);
    }
}
