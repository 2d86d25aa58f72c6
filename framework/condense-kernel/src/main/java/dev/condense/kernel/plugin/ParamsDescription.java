package dev.condense.kernel.plugin;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a params record accepts, read by reflection for {@code condense plugins info}.
 *
 * <p>Convention (documented in docs/architecture.md) for a component {@code fooBar}:
 * <ul>
 *   <li>default: the component's value in the record built by its public no-arg constructor, when it has one;</li>
 *   <li>allowed values: the constants of an enum-typed component, or a {@code public static} Collection or array
 *       field named {@code FOO_BARS} or {@code ALLOWED_FOO_BAR} (e.g. {@code MagnitudeParams.NORMS});</li>
 *   <li>range: {@code public static} numeric fields {@code MIN_FOO_BAR} and/or {@code MAX_FOO_BAR}, inclusive.</li>
 * </ul>
 *
 * @param type   the record's class name
 * @param params one entry per record component, in declaration order
 * @param note   how defaults were found, e.g. that there is no no-arg constructor; empty when they were
 */
public record ParamsDescription(String type, List<Param> params, String note) {

    /**
     * One component.
     *
     * @param name         the component (recipe key) name
     * @param type         its Java type, simple names
     * @param defaultValue the default as text, or null when unknown
     * @param allowed      allowed values or range as text, empty when the record states none
     */
    public record Param(String name, String type, String defaultValue, String allowed) {
        public Param {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(allowed, "allowed");
        }
    }

    public ParamsDescription {
        Objects.requireNonNull(type, "type");
        params = List.copyOf(params);
        Objects.requireNonNull(note, "note");
    }

    /** Describes {@code record}. */
    public static ParamsDescription of(Class<? extends Record> record) {
        Object defaults = null;
        String note = "";
        try {
            Constructor<? extends Record> c = record.getConstructor();
            defaults = PluginCalls.inLoader(record.getClassLoader(), () -> newInstance(c));
        } catch (NoSuchMethodException e) {
            note = record.getRecordComponents().length == 0 ? ""
                    : "no public no-arg constructor, so no defaults are known: every key may be required";
        } catch (RuntimeException e) {
            note = "the no-arg constructor threw " + PluginCalls.describe(e) + ", so no defaults are known";
        }
        List<Param> out = new ArrayList<>();
        for (RecordComponent rc : record.getRecordComponents()) {
            String def = defaults == null ? null : String.valueOf(read(rc, defaults));
            out.add(new Param(rc.getName(), rc.getGenericType().getTypeName().replaceAll("\\b[a-z][a-z0-9_]*\\.", ""),
                    def, allowed(record, rc)));
        }
        return new ParamsDescription(record.getName(), out, note);
    }

    private static Object newInstance(Constructor<? extends Record> c) {
        try {
            return c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
        }
    }

    private static Object read(RecordComponent rc, Object target) {
        try {
            return rc.getAccessor().invoke(target);
        } catch (ReflectiveOperationException e) {
            return "?";
        }
    }

    private static String allowed(Class<?> record, RecordComponent rc) {
        if (rc.getType().isEnum()) {
            return "one of " + String.join(", ", Arrays.stream(rc.getType().getEnumConstants()).map(String::valueOf).toList());
        }
        String constant = rc.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        for (String name : List.of(constant + "S", "ALLOWED_" + constant)) {
            Object v = staticField(record, name);
            if (v instanceof Collection<?> c) {
                return "one of " + String.join(", ", new TreeSet<>(c.stream().map(String::valueOf).toList()));
            } else if (v != null && v.getClass().isArray()) {
                List<String> items = new ArrayList<>();
                for (int i = 0; i < Array.getLength(v); i++) {
                    items.add(String.valueOf(Array.get(v, i)));
                }
                return "one of " + String.join(", ", items);
            }
        }
        Object min = staticField(record, "MIN_" + constant);
        Object max = staticField(record, "MAX_" + constant);
        if (min instanceof Number || max instanceof Number) {
            return "[" + (min instanceof Number ? min : "-inf") + ", " + (max instanceof Number ? max : "+inf") + "]";
        }
        return "";
    }

    private static Object staticField(Class<?> type, String name) {
        try {
            Field f = type.getField(name);
            return Modifier.isStatic(f.getModifiers()) ? f.get(null) : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
