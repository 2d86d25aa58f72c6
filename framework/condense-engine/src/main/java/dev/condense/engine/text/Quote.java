package dev.condense.engine.text;

/**
 * The one place where values from user files (recipe values, keys and ids, {@code --set} values, names in models,
 * paths) are made fit to quote in a one-line message.
 *
 * <p>Two rules, applied by every method: control characters (line breaks, tabs, escape sequences, C1 controls and
 * the Unicode line and paragraph separators) are written as Java escapes ({@code \n}, {@code \u001b}), so a message
 * stays one line and cannot drive the terminal; and a value longer than {@link #MAX_VALUE} code points keeps its first
 * {@code MAX_VALUE} code points followed by {@code "… (N characters)"}, N being the original length in code points
 * (a path, by {@link #path}, keeps its last {@link #MAX_PATH} code points instead, so the file name stays).
 * {@link #message} applies the same to a whole message with the larger bound {@link #MAX_MESSAGE}, as a last net.
 */
public final class Quote {
    /** Longest value quoted whole, in code points. */
    public static final int MAX_VALUE = 80;
    /** Longest path quoted whole, in code points; longer ones keep their end. */
    public static final int MAX_PATH = 160;
    /** Longest message printed whole, in code points. */
    public static final int MAX_MESSAGE = 2000;

    private Quote() {
    }

    /** {@code value} escaped and cut, without quotes; {@code "null"} for null. */
    public static String cut(String value) {
        return cut(value, MAX_VALUE);
    }

    /** {@code 'value'}, escaped and cut: {@code 'abc…' (200 characters)} when cut. */
    public static String single(String value) {
        return quoted(value, '\'');
    }

    /** {@code "value"}, escaped and cut: {@code "abc…" (200 characters)} when cut. */
    public static String dquote(String value) {
        return quoted(value, '"');
    }

    /**
     * A file path, escaped; a path longer than {@link #MAX_PATH} code points keeps its last {@code MAX_PATH} (where
     * the file name is) after {@code "…"}, followed by {@code " (N characters)"}.
     */
    public static String path(Object path) {
        String p = String.valueOf(path);
        int length = p.codePointCount(0, p.length());
        if (length <= MAX_PATH) {
            return escape(p);
        }
        return "…" + escape(p.substring(p.offsetByCodePoints(0, length - MAX_PATH))) + " (" + length + " characters)";
    }

    /** A whole message escaped and cut to {@link #MAX_MESSAGE} code points. */
    public static String message(String message) {
        return cut(message, MAX_MESSAGE);
    }

    private static String quoted(String value, char q) {
        if (value == null) {
            return "null";
        }
        int length = value.codePointCount(0, value.length());
        if (length <= MAX_VALUE) {
            return q + escape(value) + q;
        }
        return q + escape(value.substring(0, value.offsetByCodePoints(0, MAX_VALUE))) + "…" + q
                + " (" + length + " characters)";
    }

    /**
     * {@code value} escaped and cut to {@code max} code points (followed by {@code "… (N characters)"} when cut): for
     * a list or chain of values that were quoted one by one and needs a bound of its own.
     */
    public static String cut(String value, int max) {
        if (value == null) {
            return "null";
        }
        int length = value.codePointCount(0, value.length());
        if (length <= max) {
            return escape(value);
        }
        return escape(value.substring(0, value.offsetByCodePoints(0, max))) + "… (" + length + " characters)";
    }

    /** {@code s} with every control character written as a Java escape. */
    static String escape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String e = escapeOf(c);
            if (e != null && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (sb != null) {
                sb.append(e != null ? e : String.valueOf(c));
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static String escapeOf(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> Character.getType(c) == Character.CONTROL || c == '\u2028' || c == '\u2029'
                    ? String.format("\\u%04x", (int) c) : null;
        };
    }
}
