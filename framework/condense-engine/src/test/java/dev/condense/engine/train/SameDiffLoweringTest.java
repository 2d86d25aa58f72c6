package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Names and values of the SameDiff graph {@link SameDiffLowering} builds, with every node in its own name scope. */
class SameDiffLoweringTest {

    /**
     * x [N,3] -> Gemm(W [4,3], b [4]) = "relu" -> Relu = t1 -> Add(c) = t2 -> Relu = t3 -> Identity = out. The
     * Gemm's output is named "relu", like the op SameDiff creates for a Relu, to show a tensor name may collide with
     * an op name.
     */
    private static ModelGraph chain(INDArray w, INDArray b, INDArray c) {
        return ModelGraph.builder("chain")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 3}))
                .initializer("W", w).initializer("b", b).initializer("c", c)
                .node(new Node("gemm", "Gemm", List.of("x", "W", "b"), List.of("relu"), Map.of("transB", 1L)))
                .node(new Node("r1", "Relu", List.of("relu"), List.of("t1"), Map.of()))
                .node(new Node("add", "Add", List.of("t1", "c"), List.of("t2"), Map.of()))
                .node(new Node("r2", "Relu", List.of("t2"), List.of("t3"), Map.of()))
                .node(new Node("id", "Identity", List.of("t3"), List.of("out"), Map.of()))
                .output(new ValueInfo("out", ValueInfo.ElementType.FLOAT, new long[] {-1, 4})).build();
    }

    @Test
    void everyTensorKeepsItsNameAndTheValuesAreTheGraphs() {
        Nd4j.getRandom().setSeed(4);
        INDArray w = Nd4j.randn(DataType.FLOAT, 4, 3);
        INDArray b = Nd4j.randn(DataType.FLOAT, 4);
        INDArray c = Nd4j.createFromArray(0.5f, -0.5f, 0.25f, 0f);
        INDArray x = Nd4j.randn(DataType.FLOAT, 5, 3);
        LoweredGraph lowered = SameDiffLowering.lower(chain(w, b, c));
        assertEquals("out", lowered.outputName());
        for (String t : List.of("x", "W", "b", "c", "relu", "t1", "t2", "t3", "out")) {
            assertTrue(lowered.sd().hasVariable(t), t);
        }
        Map<String, INDArray> got = lowered.sd().output(Map.of("x", x), "relu", "t2", "out");
        INDArray gemm = x.mmul(w.transpose()).addRowVector(b);
        INDArray t2 = Transforms.relu(gemm, true).addRowVector(c);
        assertTrue(gemm.equalsWithEps(got.get("relu"), 1e-5));
        assertTrue(t2.equalsWithEps(got.get("t2"), 1e-5));
        assertTrue(Transforms.relu(t2, true).equalsWithEps(got.get("out"), 1e-5));
    }

    @Test
    void opsAreNamedInTheScopeOfTheirNode() {
        INDArray w = Nd4j.ones(DataType.FLOAT, 4, 3);
        LoweredGraph lowered = SameDiffLowering.lower(chain(w, Nd4j.zeros(DataType.FLOAT, 4),
                Nd4j.zeros(DataType.FLOAT, 4)));
        var ops = lowered.sd().getOps().keySet();
        assertTrue(ops.stream().allMatch(o -> o.startsWith(SameDiffLowering.SCOPE)), ops::toString);
        assertEquals(lowered.sd().getVariableOutputOp("t1").getOwnName(), SameDiffLowering.SCOPE + "1/relu");
        assertEquals(lowered.sd().getVariableOutputOp("t3").getOwnName(), SameDiffLowering.SCOPE + "3/relu");
    }
}
