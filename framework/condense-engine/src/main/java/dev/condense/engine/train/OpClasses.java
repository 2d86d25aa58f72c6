package dev.condense.engine.train;

import java.lang.reflect.Field;
import java.util.Map;
import org.nd4j.imports.converters.DifferentialFunctionClassHolder;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * Keeps the engine's own SameDiff op classes through SameDiff's copies. {@code SameDiff.createGradFunction} copies
 * every op by serializing it and instantiating the class ND4J registered for the op's libnd4j hash, so an op class
 * that overrides {@code doDiff} (a faster or a working backward) would silently turn back into ND4J's class. ND4J
 * 1.0.0-M2.1 has no public registry; the class holder's maps (one class per hash, and per op name for hashes that
 * several libnd4j op names share, as {@code conv2d}'s does) are written reflectively, once per class, before the
 * first graph that uses it is built. A registered class must have a public no-argument constructor and take every
 * setting from its integer and float arguments, which the copy restores.
 */
final class OpClasses {

    private OpClasses() {
    }

    /** Makes SameDiff rebuild {@code op}'s libnd4j op (by hash) as {@code op}'s class. */
    @SuppressWarnings("unchecked")
    static void register(DynamicCustomOp op) {
        try {
            DifferentialFunctionClassHolder holder = DifferentialFunctionClassHolder.getInstance();
            Field single = DifferentialFunctionClassHolder.class.getDeclaredField("customOpHashToClass");
            Field shared = DifferentialFunctionClassHolder.class.getDeclaredField("customOpHashToClasses");
            single.setAccessible(true);
            shared.setAccessible(true);
            ((Map<Long, Class<?>>) single.get(holder)).put(op.opHash(), op.getClass());
            Map<String, Class<?>> byName = ((Map<Long, Map<String, Class<?>>>) shared.get(holder)).get(op.opHash());
            if (byName != null) {
                byName.put(op.opName(), op.getClass());
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot register " + op.opName() + " with ND4J's op registry", e);
        }
    }
}
