package dev.condense.engine.train;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Arrays handed out for {@link OpPlan}'s outputs at planning time: an array given back (its value's last reader has
 * run) is handed out again for the next output of the same data type, shape and ordering, so outputs whose
 * lifetimes do not overlap share memory. Arrays are allocated uninitialized; every op writes its whole output.
 */
final class BufferPool {
    private final Map<String, Deque<INDArray>> free = new HashMap<>();

    /** A free array for {@code o}, or a new one. */
    INDArray take(OpRecorder.Output o) {
        Deque<INDArray> q = free.get(key(o));
        if (q != null && !q.isEmpty()) {
            return q.pop();
        }
        return Nd4j.createUninitialized(o.type(), o.shape(), o.order());
    }

    /** Makes {@code a} available to later outputs of its type, shape and ordering. */
    void give(INDArray a) {
        free.computeIfAbsent(key(new OpRecorder.Output(a.dataType(), a.shape(), a.ordering())),
                k -> new ArrayDeque<>()).push(a);
    }

    private static String key(OpRecorder.Output o) {
        return o.type() + Arrays.toString(o.shape()) + o.order();
    }
}
