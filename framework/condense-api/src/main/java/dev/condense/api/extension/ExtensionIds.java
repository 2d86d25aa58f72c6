package dev.condense.api.extension;

import java.util.regex.Pattern;

/** Rules for extension ids: short kebab-case words, never class names. */
public final class ExtensionIds {
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private ExtensionIds() {
    }

    /** True when {@code id} is lower-case kebab-case, e.g. {@code magnitude} or {@code filter-l1}. */
    public static boolean isValid(String id) {
        return id != null && id.length() <= 40 && ID.matcher(id).matches();
    }
}
