package dev.condense.kernel.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.LRUMap;
import com.fasterxml.jackson.databind.util.LookupCache;
import dev.condense.engine.text.Quote;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Binds recipe nodes into typed records with Jackson, turning every binding error into a located
 * {@link RecipeException}.
 *
 * <p>Keys are kebab-case ({@code weightDecay} is written {@code weight-decay}); unknown keys, nulls for primitives,
 * fractions for integers and strings for numbers are rejected. An {@link IllegalArgumentException} thrown by a record's
 * compact constructor is reported with its own message at the value of the key it names. A primitive record
 * component is a required key (Jackson's FAIL_ON_NULL_FOR_PRIMITIVES also applies to absent ones); use a boxed
 * type and default it in the compact constructor for an optional key.
 *
 * <p>Each binder owns its mapper and type cache, so binding a plugin's params record does not pin the plugin's class
 * loader in a static cache: drop the binder and the plugin can be unloaded.
 */
public final class Binder {
    private static final PropertyNamingStrategies.NamingBase KEBAB =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.KEBAB_CASE;
    private final ObjectMapper mapper = JsonMapper.builder()
            .propertyNamingStrategy(KEBAB)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .typeFactory(ownTypeCache())
            .build();

    /** A type factory with a cache of its own (not the default, static one that would pin plugin classes). */
    private static TypeFactory ownTypeCache() {
        LookupCache<Object, JavaType> cache = new LRUMap<>(16, 256);
        return TypeFactory.defaultInstance().withCache(cache);
    }

    /** Binds {@code ref} into {@code type}; an absent or null node binds as an empty mapping. */
    public <T> T bind(NodeRef ref, Class<T> type) {
        Objects.requireNonNull(type, "type");
        JsonNode node = ref.node().isMissingNode() || ref.node().isNull() ? JsonNodeFactory.instance.objectNode() : ref.node();
        NodeRef target = new NodeRef(ref.tree(), ref.pointer(), node);
        try {
            return mapper.treeToValue(node, type);
        } catch (UnrecognizedPropertyException e) {
            NodeRef owner = at(target, e.getPath().subList(0, e.getPath().size() - 1));
            String key = e.getPropertyName();
            throw new RecipeException(owner.tree().keyAt(LocatedTree.child(owner.pointer(), key)),
                    NodeRef.unknownKey(key, owner.name(), known(e.getKnownPropertyIds())), e);
        } catch (ValueInstantiationException e) {
            NodeRef owner = at(target, e.getPath());
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String message = cause.getMessage() != null ? cause.getMessage() : "invalid " + owner.name();
            throw new RecipeException(owner.locate(message), message, e);
        } catch (MismatchedInputException e) {
            NodeRef bad = at(target, e.getPath());
            missingKey(type, target, e.getPath()).ifPresent(missing -> {
                throw missing;
            });
            String expected = e.getTargetType() == null ? "another value" : expected(e.getTargetType());
            throw new RecipeException(bad.location(), "expected " + expected + " for " + bad.name()
                    + " but found " + bad.describe(), e);
        } catch (JsonMappingException e) {
            throw new RecipeException(at(target, e.getPath()).location(), e.getOriginalMessage(), e);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new RecipeException(target.location(), e.getMessage(), e);
        }
    }

    private static NodeRef at(NodeRef base, List<JsonMappingException.Reference> path) {
        NodeRef ref = base;
        for (JsonMappingException.Reference r : path) {
            String key = r.getFieldName() != null ? r.getFieldName() : Integer.toString(r.getIndex());
            JsonNode child = r.getFieldName() != null ? ref.node().get(key) : ref.node().get(r.getIndex());
            if (child == null) {
                break;
            }
            ref = new NodeRef(ref.tree(), LocatedTree.child(ref.pointer(), key), child);
        }
        return ref;
    }

    /**
     * With FAIL_ON_NULL_FOR_PRIMITIVES Jackson also rejects a record whose primitive component is absent, naming it
     * vaguely or not at all. Finds the absent key and reports it as missing, or, when the mapping also holds a key the
     * record does not know (likely the misspelt one), reports that unknown key instead.
     */
    private static Optional<RecipeException> missingKey(Class<?> root, NodeRef target, List<JsonMappingException.Reference> path) {
        NodeRef owner = target;
        Class<?> type = root;
        String missing = null;
        for (JsonMappingException.Reference r : path) {
            String key = r.getFieldName();
            if (key != null && owner.node().isObject() && !owner.node().has(key)) {
                missing = key;
                break;
            }
            owner = at(owner, List.of(r));
            type = key == null ? null : componentType(type, key);
        }
        if (type == null || !type.isRecord() || !owner.node().isObject()) {
            return Optional.empty();
        }
        List<String> known = Arrays.stream(type.getRecordComponents()).map(c -> KEBAB.translate(c.getName())).toList();
        if (missing == null) {
            NodeRef o = owner;
            missing = Arrays.stream(type.getRecordComponents()).filter(c -> c.getType().isPrimitive())
                    .map(c -> KEBAB.translate(c.getName())).filter(k -> !o.node().has(k)).findFirst().orElse(null);
        }
        if (missing == null) {
            return Optional.empty();
        }
        for (Iterator<String> it = owner.node().fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                return Optional.of(new RecipeException(owner.tree().keyAt(LocatedTree.child(owner.pointer(), key)),
                        NodeRef.unknownKey(key, owner.name(), known)));
            }
        }
        return Optional.of(new RecipeException(owner.keyLocation(), "missing required key " + Quote.single(missing) + " in " + owner.name()));
    }

    private static Class<?> componentType(Class<?> type, String key) {
        if (type == null || !type.isRecord()) {
            return null;
        }
        return Arrays.stream(type.getRecordComponents()).filter(c -> KEBAB.translate(c.getName()).equals(key))
                .map(RecordComponent::getType).findFirst().orElse(null);
    }

    private static List<String> known(Collection<Object> ids) {
        return ids == null ? List.of() : ids.stream().map(String::valueOf).sorted().toList();
    }

    /** A user-facing name for what a Java type expects in YAML. */
    static String expected(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class) {
            return "an integer";
        } else if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        } else if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        } else if (type == String.class) {
            return "a string";
        } else if (type.isEnum()) {
            return "one of " + List.of(type.getEnumConstants()).toString().toLowerCase();
        } else if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "a mapping";
    }
}
