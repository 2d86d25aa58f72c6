package dev.condense.engine.onnx;

import dev.condense.api.model.Codebook;
import dev.condense.engine.text.Quote;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Shared weights read at import, the form {@link QuantizedExport} writes for a {@link Codebook}: a default-domain
 * {@code Gather} (axis 0) of a FLOAT 1-D initializer of 1 to {@link Codebook#MAX_CENTROIDS} centroids by a UINT8
 * initializer through a {@code Cast} to INT32/INT64 that only this Gather reads, is folded into a float initializer named after the Gather's output holding
 * {@code centroids[indices]}, annotated with its {@link Codebook}. The index initializer (and the centroids, when no
 * other node reads them) are dropped. Only this form: a Gather by INT32/INT64 indices of any other origin (an
 * embedding lookup, a shape computation) is left as it was. Without this a Condense export with a codebook could not be read back (run
 * checkpoints, {@code --resume}).
 */
final class CodebookWeights {
    private final Map<Integer, NodeProto> gathers = new HashMap<>();
    private final Set<Integer> casts = new HashSet<>();
    private final Map<Integer, String> indicesOf = new HashMap<>();
    private final Set<String> dropped = new HashSet<>();
    private final Map<String, TensorProto> inits = new HashMap<>();

    private CodebookWeights() {
    }

    /** The foldable Gather (and Cast) nodes of {@code g} and the initializers only they read. O(nodes + edges). */
    static CodebookWeights find(GraphProto g) {
        CodebookWeights c = new CodebookWeights();
        g.getInitializerList().forEach(t -> c.inits.putIfAbsent(t.getName(), t));
        Set<String> boundary = new HashSet<>();
        g.getInputList().stream().map(ValueInfoProto::getName).forEach(boundary::add);
        g.getOutputList().stream().map(ValueInfoProto::getName).forEach(boundary::add);
        Map<String, Set<Integer>> readers = new HashMap<>();
        Map<String, Integer> producers = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String in : g.getNode(i).getInputList()) {
                readers.computeIfAbsent(in, k -> new HashSet<>()).add(i);
            }
            for (String out : g.getNode(i).getOutputList()) {
                producers.putIfAbsent(out, i);
            }
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (!c.gather(n, boundary)) {
                continue;
            }
            String idx = n.getInput(1);
            Integer cast = producers.get(idx);
            if (cast != null && c.cast(g.getNode(cast)) && !boundary.contains(idx)
                    && Set.of(i).equals(readers.get(idx))
                    && Set.of(cast).equals(readers.get(g.getNode(cast).getInput(0)))) {
                c.indicesOf.put(i, g.getNode(cast).getInput(0));
                c.casts.add(cast);
            } else {
                continue;
            }
            c.gathers.put(i, n);
        }
        Set<Integer> folded = new HashSet<>(c.gathers.keySet());
        folded.addAll(c.casts);
        c.dropped.addAll(c.indicesOf.values());
        c.gathers.values().stream().map(n -> n.getInput(0)).filter(x -> folded.containsAll(readers.get(x)))
                .forEach(c.dropped::add);
        return c;
    }

    private boolean gather(NodeProto n, Set<String> boundary) {
        boolean defaultDomain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
        if (!defaultDomain || !n.getOpType().equals("Gather") || n.getInputCount() != 2 || n.getOutputCount() != 1
                || n.getOutput(0).isEmpty() || boundary.contains(n.getInput(0))) {
            return false;
        }
        for (AttributeProto a : n.getAttributeList()) {
            if (!a.getName().equals("axis") || a.getI() != 0) {
                return false;
            }
        }
        TensorProto data = inits.get(n.getInput(0));
        return data != null && data.getDataType() == TensorProto.DataType.FLOAT_VALUE && data.getDimsCount() == 1
                && data.getDims(0) >= 1 && data.getDims(0) <= Codebook.MAX_CENTROIDS;
    }

    private boolean indices(String name) {
        TensorProto t = inits.get(name);
        return t != null && t.getDataType() == TensorProto.DataType.UINT8_VALUE;
    }

    private boolean cast(NodeProto n) {
        if (!n.getOpType().equals("Cast") || n.getInputCount() != 1 || !indices(n.getInput(0))
                || !(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))) {
            return false;
        }
        return n.getAttributeList().stream().allMatch(a -> a.getName().equals("to")
                && (a.getI() == TensorProto.DataType.INT32_VALUE || a.getI() == TensorProto.DataType.INT64_VALUE));
    }

    /** True when node {@code index} of the graph is folded (a Gather or the Cast feeding it). */
    boolean folds(int index) {
        return gathers.containsKey(index) || casts.contains(index);
    }

    /** True when initializer {@code name} is read only by folded nodes (and is dropped from the IR). */
    boolean drops(String name) {
        return dropped.contains(name);
    }

    /** The float weight of folded Gather {@code index}, or null for a folded Cast; {@code where} names the node. */
    DequantizedWeights.Folded fold(int index, String where) {
        NodeProto n = gathers.get(index);
        if (n == null) {
            return null;
        }
        TensorProto idx = inits.get(indicesOf.get(index));
        String what = where + " indices '" + Quote.cut(idx.getName()) + "'";
        INDArray indices = OnnxTensors.integers(idx, what);
        INDArray centroids = OnnxTensors.fromProto(inits.get(n.getInput(0)), where + " centroids");
        Codebook book;
        try {
            book = new Codebook(centroids, indices);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(where + ": " + Quote.message(e.getMessage()), e);
        }
        return new DequantizedWeights.Folded(n.getOutput(0), book.weights(), book);
    }
}
