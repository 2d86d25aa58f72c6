package dev.condense.kernel.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The JSON Schema of an extension's params record, derived by reflection: one kebab-case property per record
 * component with its type; a primitive component is required (as the {@code Binder} requires it).
 *
 * <p>Defaults: the canonical constructor is called with {@code null} for every reference component (and 0, then 1,
 * for primitives); when that succeeds, the non-null values of the reference components are the defaults the compact
 * constructor filled in. Enumerations: a Java enum component lists its constants; a {@code String} component
 * {@code norm} lists the values of a public static {@code Collection<String>} field named {@code NORMS} on the record,
 * when there is one (the plugin convention for accepted strings).
 */
public final class ParamsSchema {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final PropertyNamingStrategies.NamingBase KEBAB =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.KEBAB_CASE;

    private ParamsSchema() {
    }

    /** The schema of a mapping that binds into {@code type}. */
    public static ObjectNode of(Class<? extends Record> type) {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        Optional<Record> defaults = defaults(type);
        for (RecordComponent c : type.getRecordComponents()) {
            String key = KEBAB.translate(c.getName());
            ObjectNode property = typeOf(c.getType());
            enumeration(type, c).ifPresent(values -> {
                ArrayNode e = property.putArray("enum");
                values.forEach(e::add);
            });
            defaults.flatMap(d -> value(d, c)).ifPresent(v -> property.set("default", v));
            properties.set(key, RecipeSchema.orVar(property));
            if (c.getType().isPrimitive()) {
                required.add(key);
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        return schema.put("additionalProperties", false);
    }

    private static ObjectNode typeOf(Class<?> t) {
        ObjectNode s = NODES.objectNode();
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class || t == short.class
                || t == Short.class) {
            return s.put("type", "integer");
        } else if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
            return s.put("type", "number");
        } else if (t == boolean.class || t == Boolean.class) {
            return s.put("type", "boolean");
        } else if (t == String.class || t.isEnum()) {
            return s.put("type", "string");
        } else if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return s.put("type", "array");
        } else if (t.isRecord()) {
            return of(t.asSubclass(Record.class));
        }
        return s.put("type", "object");
    }

    private static Optional<Collection<String>> enumeration(Class<?> record, RecordComponent c) {
        if (c.getType().isEnum()) {
            return Optional.of(List.of(c.getType().getEnumConstants()).stream().map(e -> ((Enum<?>) e).name()).toList());
        }
        if (c.getType() != String.class) {
            return Optional.empty();
        }
        String name = KEBAB.translate(c.getName()).replace('-', '_').toUpperCase(Locale.ROOT) + "S";
        try {
            Field f = record.getField(name);
            if (Modifier.isStatic(f.getModifiers()) && f.get(null) instanceof Collection<?> values
                    && values.stream().allMatch(String.class::isInstance)) {
                return Optional.of(new TreeSet<>(values.stream().map(String.class::cast).toList()));
            }
        } catch (NoSuchFieldException | IllegalAccessException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<Record> defaults(Class<? extends Record> type) {
        Class<?>[] types = List.of(type.getRecordComponents()).stream().map(RecordComponent::getType).toArray(Class<?>[]::new);
        for (int primitive = 0; primitive <= 1; primitive++) {
            try {
                Constructor<? extends Record> ctor = type.getDeclaredConstructor(types);
                ctor.setAccessible(true);
                Object[] args = new Object[types.length];
                for (int i = 0; i < types.length; i++) {
                    args[i] = types[i].isPrimitive() ? zeroOrOne(types[i], primitive) : null;
                }
                return Optional.of(ctor.newInstance(args));
            } catch (ReflectiveOperationException | RuntimeException e) {
                // this probe of primitive values is rejected by the compact constructor: try the next one
            }
        }
        return Optional.empty();
    }

    private static Object zeroOrOne(Class<?> t, int v) {
        if (t == boolean.class) {
            return v == 1;
        } else if (t == double.class) {
            return (double) v;
        } else if (t == float.class) {
            return (float) v;
        } else if (t == long.class) {
            return (long) v;
        } else if (t == short.class) {
            return (short) v;
        } else if (t == byte.class) {
            return (byte) v;
        } else if (t == char.class) {
            return (char) v;
        }
        return v;
    }

    private static Optional<JsonNode> value(Record r, RecordComponent c) {
        if (c.getType().isPrimitive()) {
            return Optional.empty();
        }
        try {
            c.getAccessor().setAccessible(true);
            Object v = c.getAccessor().invoke(r);
            return v == null || v instanceof Record ? Optional.empty()
                    : Optional.of(JsonMapper.builder().build().valueToTree(v instanceof Enum<?> e ? e.name() : v));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
