package dev.condense.engine.onnx;

import dev.condense.api.model.Node;
import dev.condense.engine.text.Quote;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Rewrites nodes of older (or newer) opsets into the opset-13 form the IR and the exporter use.
 *
 * <ul>
 *   <li>Clip (opset &lt; 11): {@code min}/{@code max} attributes become scalar initializer inputs.</li>
 *   <li>Pad (opset &lt; 11): {@code pads} attribute becomes an int64 initializer, {@code value} a scalar input.</li>
 *   <li>Dropout (opset &lt; 12): {@code ratio} attribute becomes a scalar initializer input.</li>
 *   <li>BatchNormalization: attributes other than {@code epsilon} and {@code momentum} (spatial, is_test,
 *       consumed_inputs, training_mode=0) are dropped; their opset-13 meaning is the default.</li>
 *   <li>Reshape: {@code allowzero=0} (opset 14 default) is dropped.</li>
 *   <li>Slice (opset &lt; 10): {@code starts}, {@code ends}, {@code axes} attributes become int64 initializer
 *       inputs; Squeeze and Unsqueeze (opset &lt; 13): {@code axes} likewise.</li>
 *   <li>ReduceMean (opset 18): a constant {@code axes} input becomes the opset-13 attribute.</li>
 * </ul>
 * New initializers are named {@code <node>.<attribute>}. Nodes that use an optional second output (MaxPool
 * indices, Dropout mask, BatchNormalization training statistics) are rejected.
 */
final class OpsetUpgrade {
    private static final Set<String> BN_ATTRS = Set.of("epsilon", "momentum");

    private OpsetUpgrade() {
    }

    static Node upgrade(Node n, Map<String, INDArray> inits) {
        if (n.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            throw new IllegalArgumentException(n.opType() + " node '" + Quote.cut(n.name()) + "' uses optional output(s) "
                    + Quote.cut(String.valueOf(n.outputs().subList(1, n.outputs().size()))) + "; the IR supports the main output only");
        }
        Map<String, Object> attrs = new HashMap<>(n.attributes());
        List<String> inputs = new ArrayList<>(n.inputs());
        switch (n.opType()) {
            case "Clip" -> {
                moveScalar(n, attrs, inputs, inits, "min", 1);
                moveScalar(n, attrs, inputs, inits, "max", 2);
            }
            case "Dropout" -> moveScalar(n, attrs, inputs, inits, "ratio", 1);
            case "Pad" -> {
                if (attrs.containsKey("pads")) {
                    String name = n.name() + ".pads";
                    inits.put(name, Nd4j.createFromArray((long[]) attrs.remove("pads")));
                    inputs.add(name);
                    moveScalar(n, attrs, inputs, inits, "value", 2);
                }
            }
            case "Slice" -> {
                if (attrs.containsKey("starts")) { // opset < 10: starts, ends, axes attributes; 10+: inputs
                    for (String a : new String[] {"starts", "ends", "axes"}) {
                        if (attrs.containsKey(a)) {
                            String name = n.name() + "." + a;
                            inits.put(name, Nd4j.createFromArray((long[]) attrs.remove(a)));
                            inputs.add(name);
                        }
                    }
                }
            }
            case "Squeeze" -> {
                if (attrs.containsKey("axes")) { // opset < 13: axes attribute; 13+: optional input 1
                    String name = n.name() + ".axes";
                    inits.put(name, Nd4j.createFromArray((long[]) attrs.remove("axes")));
                    inputs.add(name);
                }
            }
            case "Unsqueeze" -> {
                if (attrs.containsKey("axes")) { // opset < 13: axes attribute; 13+: input 1
                    String name = n.name() + ".axes";
                    inits.put(name, Nd4j.createFromArray((long[]) attrs.remove("axes")));
                    inputs.add(name);
                }
            }
            case "ReduceMean" -> {
                if (inputs.size() > 1) { // opset 18: axes as input 1; the IR keeps the opset-13 attribute
                    reduceAxesInput(n, attrs, inputs, inits);
                }
            }
            case "BatchNormalization" -> {
                if (n.intAttr("training_mode", 0) != 0) {
                    throw new IllegalArgumentException("BatchNormalization node '" + Quote.cut(n.name())
                            + "' has training_mode=1; only inference graphs are imported");
                }
                attrs.keySet().retainAll(BN_ATTRS);
            }
            case "Reshape" -> {
                if (n.intAttr("allowzero", 0) == 0) {
                    attrs.remove("allowzero");
                }
            }
            default -> {
                return n;
            }
        }
        return new Node(n.name(), n.opType(), inputs, n.outputs(), attrs);
    }

    private static void reduceAxesInput(Node n, Map<String, Object> attrs, List<String> inputs,
                                        Map<String, INDArray> inits) {
        String axes = inputs.remove(1);
        if (axes.isEmpty()) {
            if (n.intAttr("noop_with_empty_axes", 0) != 0) {
                throw new IllegalArgumentException("ReduceMean node '" + Quote.cut(n.name())
                        + "' has noop_with_empty_axes=1 and no axes; not supported");
            }
        } else if (inits.containsKey(axes)) {
            attrs.put("axes", inits.get(axes).toLongVector());
        } else {
            throw new IllegalArgumentException("ReduceMean node '" + Quote.cut(n.name()) + "' reads its axes '"
                    + Quote.cut(axes) + "' at run time; the IR needs them static");
        }
        attrs.remove("noop_with_empty_axes");
    }

    private static void moveScalar(Node n, Map<String, Object> attrs, List<String> inputs,
                                   Map<String, INDArray> inits, String attr, int position) {
        if (!attrs.containsKey(attr)) {
            return;
        }
        String name = n.name() + "." + attr;
        inits.put(name, Nd4j.scalar((float) ((Number) attrs.remove(attr)).doubleValue()));
        while (inputs.size() <= position) {
            inputs.add("");
        }
        inputs.set(position, name);
    }
}
