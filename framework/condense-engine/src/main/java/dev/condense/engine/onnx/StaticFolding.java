package dev.condense.engine.onnx;

import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.text.Quote;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Evaluates, at import, the Shape / Gather / Unsqueeze / Concat chains that compute static shape vectors (the
 * pattern exporters emit for {@code x.view(x.size(0), -1)}), so the IR holds no dynamic shape computation.
 *
 * <p>Values are int64 vectors; an entry {@link #BATCH} stands for the dynamic batch size ({@code -1} in a static
 * shape). A value without BATCH becomes an initializer. A value with BATCH may only feed Reshape's shape input,
 * and only at position 0 of a Reshape whose input has a dynamic dim 0: it becomes {@code 0} (copy the input's
 * dimension). Gather folds when its data is a shape vector and its indices constant, Concat when all its inputs are
 * folded values on axis 0; anything else reading a dynamic value is rejected. Gather, Unsqueeze and Cast that read
 * runtime data (a token-id lookup, the attention mask) stay in the IR as nodes. Cast, Slice, Squeeze and Concat
 * whose inputs are all initializers are evaluated by {@link ConstantOps}; a Cast to INT64 of a folded shape vector
 * passes it through, and a Slice of one (e.g. {@code x.shape[:1]}) is cut with static bounds. Initializers read only by folded nodes are dropped.
 */
final class StaticFolding {
    /** Marker entry for the dynamic batch size. */
    static final long BATCH = Long.MIN_VALUE;

    private StaticFolding() {
    }

    static List<Node> fold(List<ValueInfo> inputs, List<Node> nodes, Map<String, INDArray> inits) {
        Map<String, long[]> shapes = new HashMap<>();
        inputs.forEach(v -> shapes.put(v.name(), v.shape()));
        inits.forEach((k, v) -> shapes.put(k, v.shape()));
        Map<String, long[]> values = new HashMap<>();
        Set<String> foldedReads = new HashSet<>();
        List<Node> kept = new ArrayList<>();
        for (Node n : nodes) {
            if (ConstantOps.foldable(n, inits)) {
                OnnxModelValidator.checkShapes(n, inputShapes(n, shapes), inits);
                INDArray c = ConstantOps.evaluate(n, inits);
                foldedReads.addAll(n.inputs());
                inits.put(n.output(), c);
                shapes.put(n.output(), c.shape());
                continue;
            }
            long[] v = evaluate(n, shapes, values, inits);
            if (v == null && SupportedOps.FOLDED.contains(n.opType())) {
                throw new IllegalArgumentException(n.opType() + " node '" + Quote.cut(n.name()) + "' computes on runtime data; "
                        + "the IR folds " + SupportedOps.FOLDED + " only when they compute static shapes");
            }
            if (v == null) {
                if (n.opType().equals("Cast")) {
                    ConstantOps.castTarget(n); // a Cast of runtime data stays; its target must be an IR type
                }
                n = reshapeWithBatch(n, shapes, values, inits);
                for (String in : n.inputs()) {
                    if (values.containsKey(in) && Arrays.stream(values.get(in)).anyMatch(d -> d == BATCH)) {
                        throw new IllegalArgumentException(n.opType() + " node '" + Quote.cut(n.name()) + "' reads '" + Quote.cut(in)
                                + "', a shape computed from the dynamic batch size; only static shapes are supported");
                    }
                }
                shapes.put(n.output(), OnnxModelValidator.outputShape(n, inputShapes(n, shapes), inits));
                kept.add(n);
                continue;
            }
            foldedReads.addAll(n.inputs());
            values.put(n.output(), v);
            boolean scalar = n.opType().equals("Gather") && inits.get(n.inputs().get(1)).rank() == 0;
            shapes.put(n.output(), scalar ? new long[0] : new long[] {v.length});
            if (Arrays.stream(v).noneMatch(d -> d == BATCH)) {
                inits.put(n.output(), scalar ? Nd4j.scalar(v[0]) : Nd4j.createFromArray(v));
            }
        }
        Set<String> read = new HashSet<>();
        kept.forEach(n -> read.addAll(n.inputs()));
        foldedReads.stream().filter(t -> !read.contains(t)).forEach(inits::remove);
        return kept;
    }

    /** The folded value of {@code n}, or null when {@code n} is not a foldable shape computation. */
    private static long[] evaluate(Node n, Map<String, long[]> shapes, Map<String, long[]> values,
                                   Map<String, INDArray> inits) {
        switch (n.opType()) {
            case "Shape": {
                long[] s = shapes.get(n.inputs().get(0)).clone();
                int start = clamp(ShapeInference.axis(n.intAttr("start", 0), s.length), s.length);
                int end = clamp(ShapeInference.axis(n.intAttr("end", s.length), s.length), s.length);
                long[] out = Arrays.copyOfRange(s, start, Math.max(start, end));
                return Arrays.stream(out).map(d -> d < 0 ? BATCH : d).toArray();
            }
            case "Gather": {
                long[] data = value(n.inputs().get(0), values, inits);
                INDArray idx = inits.get(n.inputs().get(1));
                if (data == null || idx == null || n.intAttr("axis", 0) != 0) {
                    return null;
                }
                return Arrays.stream(idx.toLongVector()).map(i -> data[(int) (i < 0 ? i + data.length : i)]).toArray();
            }
            case "Cast": {
                long[] data = values.get(n.inputs().get(0));
                return data != null && ConstantOps.castTarget(n) == org.nd4j.linalg.api.buffer.DataType.INT64 ? data : null;
            }
            case "Slice": {
                long[] data = values.get(n.inputs().get(0));
                if (data == null || n.inputs().stream().skip(1).anyMatch(i -> !i.isEmpty() && !inits.containsKey(i))) {
                    return null;
                }
                List<long[]> in = inputShapes(n, shapes);
                in.set(0, new long[] {data.length});
                OnnxModelValidator.checkShapes(n, in, inits);
                dev.condense.engine.graph.SliceSpec s = dev.condense.engine.graph.SliceSpec.of(n, new long[] {data.length}, inits);
                return java.util.stream.LongStream.iterate(s.begin()[0], i -> i < s.end()[0], i -> i + s.step()[0])
                        .map(i -> data[(int) i]).toArray();
            }
            case "Unsqueeze": {
                long[] data = value(n.inputs().get(0), values, inits);
                return data != null && data.length == 1 ? data : null;
            }
            case "Concat": {
                List<long[]> parts = new ArrayList<>();
                for (String in : n.inputs()) {
                    long[] p = value(in, values, inits);
                    if (p == null || !values.containsKey(in) && inits.get(in).rank() != 1) {
                        return null;
                    }
                    parts.add(p);
                }
                return parts.stream().flatMapToLong(Arrays::stream).toArray();
            }
            default:
                return null;
        }
    }

    /** Shapes of {@code n}'s inputs, null for an omitted optional one. */
    private static List<long[]> inputShapes(Node n, Map<String, long[]> shapes) {
        List<long[]> in = new ArrayList<>();
        n.inputs().forEach(i -> in.add(i.isEmpty() ? null : shapes.get(i)));
        return in;
    }

    private static int clamp(long axis, int rank) {
        return (int) Math.max(0, Math.min(rank, axis));
    }

    /** A folded value or a small int64 initializer (rank 0 or 1), as a vector; else null. */
    private static long[] value(String t, Map<String, long[]> values, Map<String, INDArray> inits) {
        if (values.containsKey(t)) {
            return values.get(t);
        }
        INDArray a = inits.get(t);
        return a != null && a.rank() <= 1 && !a.dataType().isFPType() ? a.toLongVector() : null;
    }

    /** Reshape to {@code [BATCH, ...]} of an input with dynamic dim 0: becomes Reshape to {@code [0, ...]}. */
    private static Node reshapeWithBatch(Node n, Map<String, long[]> shapes, Map<String, long[]> values,
                                         Map<String, INDArray> inits) {
        long[] spec = n.opType().equals("Reshape") ? values.get(n.inputs().get(1)) : null;
        if (spec == null || spec.length == 0 || spec[0] != BATCH || shapes.get(n.inputs().get(0))[0] >= 0
                || Arrays.stream(spec).skip(1).anyMatch(d -> d == BATCH)) {
            return n;
        }
        long[] copy = spec.clone();
        copy[0] = 0;
        String name = n.name() + ".shape";
        inits.put(name, Nd4j.createFromArray(copy));
        return new Node(n.name(), n.opType(), List.of(n.inputs().get(0), name), n.outputs(), n.attributes());
    }
}
