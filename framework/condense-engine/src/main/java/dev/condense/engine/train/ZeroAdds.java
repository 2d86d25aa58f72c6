package dev.condense.engine.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.impl.shape.ZerosLike;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;

/**
 * The gradient sums of a recorded step that add a zero tensor, {@code g + zeroslike(x)}: SameDiff sums every input's
 * gradient contributions, and {@link BatchNormOps.Moments} contributes zeros (its path is in {@code batchnorm_bp}'s
 * {@code dL/dx}), so each training BN costs a {@code zeroslike} and an {@code add} over the whole activation.
 * {@link OpPlan} drops both and reads {@code g}'s array wherever the sum is read ({@code g + 0 = g} exactly, up to the
 * sign of a zero), keeping {@code g}'s array alive until the sum's last reader.
 *
 * <p>Only sums whose other term is computed by an op of the step with the sum's exact data type and shape (no
 * broadcasting) are dropped; a {@code zeroslike} is dropped when every reader of it was.
 */
final class ZeroAdds {
    private final Map<String, String> alias = new HashMap<>();
    private final Set<Integer> dropped = new HashSet<>();

    private ZeroAdds() {
    }

    /** The zero sums of {@code recorded} (ops in execution order with their outputs). */
    static ZeroAdds find(List<OpRecorder.Executed> recorded) {
        ZeroAdds z = new ZeroAdds();
        Map<String, OpRecorder.Output> values = new HashMap<>();
        Map<String, Integer> zeros = new HashMap<>();
        Map<String, List<Integer>> readers = new HashMap<>();
        for (int i = 0; i < recorded.size(); i++) {
            SameDiffOp op = recorded.get(i).op();
            List<String> ins = op.getInputsToOp() == null ? List.of() : op.getInputsToOp();
            List<String> outs = op.getOutputsOfOp();
            for (String in : ins) {
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
            }
            if (op.getOp() instanceof AddOp && ins.size() == 2 && outs.size() == 1) {
                int zi = zeros.containsKey(ins.get(0)) ? 0 : zeros.containsKey(ins.get(1)) ? 1 : -1;
                String other = zi < 0 ? null : ins.get(1 - zi);
                OpRecorder.Output sum = recorded.get(i).outputs().get(0);
                if (other != null && !zeros.containsKey(other) && same(values.get(other), sum)
                        && same(values.get(ins.get(zi)), sum)) {
                    z.alias.put(outs.get(0), other);
                    z.dropped.add(i);
                }
            }
            for (int k = 0; k < outs.size() && k < recorded.get(i).outputs().size(); k++) {
                values.put(outs.get(k), recorded.get(i).outputs().get(k));
            }
            if (op.getOp() instanceof ZerosLike && outs.size() == 1) {
                zeros.put(outs.get(0), i);
            }
        }
        zeros.forEach((name, index) -> {
            if (readers.containsKey(name) && z.dropped.containsAll(readers.get(name))) {
                z.dropped.add(index);
            }
        });
        return z;
    }

    private static boolean same(OpRecorder.Output a, OpRecorder.Output b) {
        return a != null && b != null && a.type() == b.type() && java.util.Arrays.equals(a.shape(), b.shape());
    }

    /** Whether op {@code index} of the recording is not executed. */
    boolean dropped(int index) {
        return dropped.contains(index);
    }

    /** The name whose array holds {@code name}'s value: itself, or the nonzero term of a dropped sum. */
    String resolve(String name) {
        String n = name;
        while (alias.containsKey(n)) {
            n = alias.get(n);
        }
        return n;
    }

    /** Dropped ops (for the plan's log line). */
    int size() {
        return dropped.size();
    }
}
