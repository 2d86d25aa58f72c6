package dev.condense.engine.zoo;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.api.model.ValueInfo.ElementType;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A tiny builder for zoo CNNs over one input {@code input [N, C, H, W]} (raw values, normalized inside the graph)
 * and one output {@code logits [N, classes]}. Each layer method takes the tensor it reads and returns the tensor
 * it writes; nodes and parameters are named {@code <layer>}, {@code <layer>.weight}, {@code <layer>.bias}, ...
 *
 * <p>Initialization, from one seeded generator in call order (same seed, same bytes): Conv weights He-normal
 * {@code N(0, 2 / fanIn)}, {@code fanIn = inC/group * kH * kW} (He et al. 2015); Gemm weights Glorot-uniform
 * (Glorot &amp; Bengio 2010); biases 0; BatchNormalization scale 1, bias 0, running mean 0, running var 1.
 */
final class GraphBuilder {
    private final ModelGraph.Builder g;
    private final Random rng;
    private final Map<String, long[]> channels = new java.util.HashMap<>();

    GraphBuilder(String name, long[] input, long seed) {
        this.g = ModelGraph.builder(name).input(new ValueInfo("input", ElementType.FLOAT, input));
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        channels.put("input", new long[] {input[1]});
    }

    /** {@code (x - mean) / std} with scalar constants; returns the normalized tensor. */
    String normalize(float mean, float std) {
        g.initializer("norm.mean", Nd4j.scalar(DataType.FLOAT, mean).reshape(1))
                .initializer("norm.std", Nd4j.scalar(DataType.FLOAT, std).reshape(1));
        node("norm.sub", "Sub", Map.of(), "input", "norm.mean");
        node("norm.div", "Div", Map.of(), "norm.sub", "norm.std");
        channels.put("norm.div", channels.get("input"));
        return "norm.div";
    }

    /** Square {@code k x k} convolution with {@code pad} on every side; bias only when {@code bias}. */
    String conv(String name, String x, long outC, long k, long stride, long pad, boolean bias) {
        long inC = channels.get(x)[0];
        double std = Math.sqrt(2.0 / (inC * k * k));
        g.initializer(name + ".weight", Nd4j.randn(rng, outC, inC, k, k).castTo(DataType.FLOAT).muli(std));
        Map<String, Object> attrs = Map.of("kernel_shape", new long[] {k, k}, "strides", new long[] {stride, stride},
                "pads", new long[] {pad, pad, pad, pad});
        if (bias) {
            g.initializer(name + ".bias", Nd4j.zeros(DataType.FLOAT, outC));
            node(name, "Conv", attrs, x, name + ".weight", name + ".bias");
        } else {
            node(name, "Conv", attrs, x, name + ".weight");
        }
        channels.put(name, new long[] {outC});
        return name;
    }

    String batchNorm(String name, String x) {
        long c = channels.get(x)[0];
        g.initializer(name + ".scale", Nd4j.ones(DataType.FLOAT, c)).initializer(name + ".bias", Nd4j.zeros(DataType.FLOAT, c))
                .initializer(name + ".mean", Nd4j.zeros(DataType.FLOAT, c)).initializer(name + ".var", Nd4j.ones(DataType.FLOAT, c));
        node(name, "BatchNormalization", Map.of("epsilon", 1e-5, "momentum", 0.9), x, name + ".scale", name + ".bias",
                name + ".mean", name + ".var");
        return keep(name, x);
    }

    String relu(String name, String x) {
        node(name, "Relu", Map.of(), x);
        return keep(name, x);
    }

    String maxPool(String name, String x, long k) {
        node(name, "MaxPool", Map.of("kernel_shape", new long[] {k, k}, "strides", new long[] {k, k}), x);
        return keep(name, x);
    }

    String globalAveragePool(String name, String x) {
        node(name, "GlobalAveragePool", Map.of(), x);
        return keep(name, x);
    }

    String add(String name, String a, String b) {
        node(name, "Add", Map.of(), a, b);
        return keep(name, a);
    }

    String flatten(String name, String x) {
        node(name, "Flatten", Map.of("axis", 1L), x);
        return name;
    }

    /** Fully connected {@code [in] -> [out]} (Gemm, transB=1); the output is {@code logits} when {@code last}. */
    String gemm(String name, String x, long in, long out, boolean last) {
        double a = Math.sqrt(6.0 / (in + out));
        INDArray w = Nd4j.rand(rng, out, in).castTo(DataType.FLOAT).muli(2 * a).subi(a);
        g.initializer(name + ".weight", w).initializer(name + ".bias", Nd4j.zeros(DataType.FLOAT, out));
        String y = last ? "logits" : name;
        g.node(new Node(name, "Gemm", List.of(x, name + ".weight", name + ".bias"), List.of(y), Map.of("transB", 1L)));
        if (last) {
            g.output(new ValueInfo("logits", ElementType.FLOAT, new long[] {-1, out}));
        }
        return y;
    }

    ModelGraph build() {
        return g.build();
    }

    private String keep(String name, String x) {
        channels.put(name, channels.get(x));
        return name;
    }

    private void node(String name, String op, Map<String, Object> attrs, String... inputs) {
        g.node(new Node(name, op, List.of(inputs), List.of(name), attrs));
    }
}
