package dev.condense.testkit;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Counts the numeric values an object keeps reachable through its instance fields: the length of every
 * {@link INDArray} and primitive array, the elements of object arrays, collections and maps, followed recursively
 * (each object once). JDK and ND4J internals other than those containers are not entered. For contracts that state a
 * memory bound in values (e.g. "an accumulator keeps at most its histogram's bins"), independently of how the
 * implementation stores them.
 */
public final class RetainedValues {
    private RetainedValues() {
    }

    /** The number of numeric values reachable from {@code root}. */
    public static long of(Object root) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        long values = 0;
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (o == null || !seen.add(o)) {
                continue;
            }
            if (o instanceof INDArray a) {
                values += a.isEmpty() ? 0 : a.length();
            } else if (o.getClass().isArray()) {
                if (o.getClass().getComponentType().isPrimitive()) {
                    values += Array.getLength(o);
                } else {
                    for (Object e : (Object[]) o) {
                        todo.push(e);
                    }
                }
            } else if (o instanceof Collection<?> c) {
                c.forEach(todo::push);
            } else if (o instanceof Map<?, ?> m) {
                m.forEach((k, v) -> {
                    todo.push(k);
                    todo.push(v);
                });
            } else if (o instanceof Number) {
                values++;
            } else if (!isLibrary(o.getClass())) {
                values += fields(o, todo);
            }
        }
        return values;
    }

    /** Pushes the object-valued fields of {@code o}; returns how many primitive fields it has. */
    private static long fields(Object o, Deque<Object> todo) {
        long primitives = 0;
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                if (f.getType().isPrimitive()) {
                    primitives++;
                    continue;
                }
                try {
                    f.setAccessible(true);
                    todo.push(f.get(o));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalStateException("cannot read field " + f + " to count retained values", e);
                }
            }
        }
        return primitives;
    }

    private static boolean isLibrary(Class<?> c) {
        String n = c.getName();
        return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("sun.")
                || n.startsWith("org.nd4j.") || n.startsWith("org.bytedeco.") || c.isEnum() || c == String.class;
    }
}
