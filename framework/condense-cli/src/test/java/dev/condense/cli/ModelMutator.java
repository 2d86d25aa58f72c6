package dev.condense.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.AttributeProto.AttributeType;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Seeded corruptions of a valid ONNX model, at the protobuf level (dimensions, attribute values and types, names,
 * node order, removed and duplicated nodes and initializers, opset, element types) and at the byte level. Each
 * {@link Kind} changes one thing; {@link #mutate} returns the serialized mutant.
 */
final class ModelMutator {

    enum Kind {
        INPUT_DIM, OUTPUT_DIM, ATTR_VALUE, ATTR_TYPE, UNKNOWN_ATTR, DANGLING_INPUT, DUPLICATE_OUTPUT, RENAME,
        SHUFFLE, REMOVE_NODE, DUPLICATE_NODE, REMOVE_INIT, DUPLICATE_INIT, INIT_DIMS, OPSET, CYCLE, ELEM_TYPE,
        OP_TYPE, SWAP_INPUTS, BYTES, TRUNCATE
    }

    private static final long[] INTS = {0, -1, 1, 2, 3, 7, 1L << 40, -(1L << 33), 1L << 31};
    private static final long[] OPSETS = {1, 6, 7, 9, 10, 11, 12, 13, 14, 17, 18, 19, 99};
    private static final String[] OPS = {"Relu", "Sigmoid", "Gemm", "Conv", "MatMul", "Add", "MaxPool", "Flatten",
        "BatchNormalization", "Identity", "Softmax", "GlobalAveragePool", "Transpose", "Concat", "HardSigmoid",
        "HardSwish", "Slice", "Squeeze", "Resize", "ConvTranspose", "Cast", "Gather", "Unsqueeze", "ReduceMean", "Erf",
        "Pow", "Sqrt", "Exp", "Log", "LogSoftmax", "Sum"};

    private final Random rnd;

    ModelMutator(long seed) {
        rnd = new Random(seed);
    }

    /** A mutant of {@code base} of the given kind, serialized. */
    byte[] mutate(ModelProto base, Kind kind) {
        if (kind == Kind.BYTES || kind == Kind.TRUNCATE) {
            return bytes(base.toByteArray(), kind);
        }
        ModelProto.Builder m = base.toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        int nodes = g.getNodeCount();
        switch (kind) {
            case INPUT_DIM -> dim(g.getInputBuilder(0));
            case OUTPUT_DIM -> dim(g.getOutputBuilder(0));
            case ATTR_VALUE -> attrValue(withAttrs(g));
            case ATTR_TYPE -> attrType(withAttrs(g));
            case UNKNOWN_ATTR -> g.getNodeBuilder(rnd.nextInt(nodes)).addAttribute(AttributeProto.newBuilder()
                    .setName(rnd.nextBoolean() ? "foo" : "group").setType(AttributeType.INT).setI(1));
            case DANGLING_INPUT -> {
                NodeProto.Builder n = g.getNodeBuilder(withInputs(g, 0));
                n.setInput(rnd.nextInt(n.getInputCount()), "missing_" + rnd.nextInt(100));
            }
            case DUPLICATE_OUTPUT -> {
                int a = rnd.nextInt(nodes);
                int b = rnd.nextInt(nodes);
                g.getNodeBuilder(a).setOutput(0, g.getNode(b).getOutput(0));
            }
            case RENAME -> rename(g);
            case SHUFFLE -> {
                List<NodeProto> list = new ArrayList<>(g.getNodeList());
                Collections.shuffle(list, rnd);
                g.clearNode().addAllNode(list);
            }
            case REMOVE_NODE -> g.removeNode(rnd.nextInt(nodes));
            case DUPLICATE_NODE -> g.addNode(g.getNode(rnd.nextInt(nodes)));
            case REMOVE_INIT -> g.removeInitializer(rnd.nextInt(g.getInitializerCount()));
            case DUPLICATE_INIT -> g.addInitializer(g.getInitializer(rnd.nextInt(g.getInitializerCount())));
            case INIT_DIMS -> initDims(g.getInitializerBuilder(rnd.nextInt(g.getInitializerCount())));
            case OPSET -> m.getOpsetImportBuilder(0).setVersion(OPSETS[rnd.nextInt(OPSETS.length)]);
            case CYCLE -> {
                int a = withInputs(g, 0);
                int b = a + rnd.nextInt(nodes - a);
                g.getNodeBuilder(a).setInput(0, g.getNode(b).getOutput(0));
            }
            case ELEM_TYPE -> {
                int type = rnd.nextBoolean() ? TensorProto.DataType.INT64_VALUE : TensorProto.DataType.DOUBLE_VALUE;
                if (rnd.nextBoolean()) {
                    g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().setElemType(type);
                } else {
                    g.getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().setElemType(type);
                }
            }
            case OP_TYPE -> g.getNodeBuilder(rnd.nextInt(nodes)).setOpType(OPS[rnd.nextInt(OPS.length)]);
            case SWAP_INPUTS -> {
                NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(nodes));
                if (n.getInputCount() > 1) {
                    String first = n.getInput(0);
                    int j = 1 + rnd.nextInt(n.getInputCount() - 1);
                    n.setInput(0, n.getInput(j)).setInput(j, first);
                }
            }
            default -> throw new IllegalStateException(kind.name());
        }
        return m.build().toByteArray();
    }

    private void dim(ValueInfoProto.Builder v) {
        TensorShapeProto.Builder shape = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        if (shape.getDimCount() == 0 || rnd.nextInt(8) == 0) {
            shape.addDimBuilder().setDimValue(1);
            return;
        }
        TensorShapeProto.Dimension.Builder d = shape.getDimBuilder(rnd.nextInt(shape.getDimCount()));
        long[] values = {0, 1, 2, 3, 27, 29, 1L << 40, -3};
        d.setDimValue(values[rnd.nextInt(values.length)]);
    }

    /** A random node at index {@code from} or later that has inputs (Constant nodes have none). */
    private int withInputs(GraphProto.Builder g, int from) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = from; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getInputCount() > 0) {
                candidates.add(i);
            }
        }
        return candidates.get(rnd.nextInt(candidates.size()));
    }

    private NodeProto.Builder withAttrs(GraphProto.Builder g) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getAttributeCount() > 0) {
                candidates.add(i);
            }
        }
        return g.getNodeBuilder(candidates.get(rnd.nextInt(candidates.size())));
    }

    private void attrValue(NodeProto.Builder n) {
        AttributeProto.Builder a = n.getAttributeBuilder(rnd.nextInt(n.getAttributeCount()));
        switch (a.getType()) {
            case INT -> a.setI(INTS[rnd.nextInt(INTS.length)]);
            case FLOAT -> a.setF(new float[] {Float.NaN, -1f, 0f, 1e30f, 0.5f}[rnd.nextInt(5)]);
            case STRING -> a.setS(ByteString.copyFromUtf8(rnd.nextBoolean() ? "SAME_UPPER" : "FOO"));
            case INTS -> {
                if (a.getIntsCount() == 0 || rnd.nextInt(4) == 0) {
                    a.addInts(1);
                } else if (rnd.nextInt(4) == 0) {
                    List<Long> keep = new ArrayList<>(a.getIntsList().subList(1, a.getIntsCount()));
                    a.clearInts().addAllInts(keep);
                } else {
                    a.setInts(rnd.nextInt(a.getIntsCount()), INTS[rnd.nextInt(INTS.length)]);
                }
            }
            default -> a.setType(AttributeType.INT).setI(2);
        }
    }

    private void attrType(NodeProto.Builder n) {
        AttributeProto.Builder a = n.getAttributeBuilder(rnd.nextInt(n.getAttributeCount()));
        switch (rnd.nextInt(4)) {
            case 0 -> a.clearInts().setType(AttributeType.INT).setI(1);
            case 1 -> a.setType(AttributeType.INTS).clearInts().addInts(1).addInts(1);
            case 2 -> a.setType(AttributeType.FLOAT).setF(1f);
            default -> a.setType(AttributeType.STRING).setS(ByteString.copyFromUtf8("1"));
        }
    }

    /** Renames one tensor everywhere it appears (a valid model stays valid). */
    private void rename(GraphProto.Builder g) {
        NodeProto victim = g.getNode(rnd.nextInt(g.getNodeCount()));
        String from = victim.getOutput(0);
        String to = from + "_renamed";
        for (NodeProto.Builder n : g.getNodeBuilderList()) {
            for (int i = 0; i < n.getInputCount(); i++) {
                if (n.getInput(i).equals(from)) {
                    n.setInput(i, to);
                }
            }
            for (int i = 0; i < n.getOutputCount(); i++) {
                if (n.getOutput(i).equals(from)) {
                    n.setOutput(i, to);
                }
            }
        }
        for (ValueInfoProto.Builder o : g.getOutputBuilderList()) {
            if (o.getName().equals(from)) {
                o.setName(to);
            }
        }
    }

    private void initDims(TensorProto.Builder t) {
        List<Long> dims = new ArrayList<>(t.getDimsList());
        switch (rnd.nextInt(3)) {
            case 0 -> Collections.reverse(dims); // same element count, other layout
            case 1 -> dims.add(1L);
            default -> {
                if (!dims.isEmpty()) {
                    dims.set(rnd.nextInt(dims.size()), INTS[rnd.nextInt(INTS.length)]);
                }
            }
        }
        t.clearDims().addAllDims(dims);
    }

    private byte[] bytes(byte[] b, Kind kind) {
        byte[] out = b.clone();
        if (kind == Kind.TRUNCATE) {
            return java.util.Arrays.copyOf(out, rnd.nextInt(out.length));
        }
        int flips = 1 + rnd.nextInt(8);
        for (int i = 0; i < flips; i++) {
            // structure lives before the raw weights in most files: bias the flips towards the first 4 KiB
            int pos = rnd.nextBoolean() ? rnd.nextInt(Math.min(out.length, 4096)) : rnd.nextInt(out.length);
            out[pos] = (byte) rnd.nextInt(256);
        }
        return out;
    }
}
