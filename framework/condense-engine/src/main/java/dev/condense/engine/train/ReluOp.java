package dev.condense.engine.train;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * ReLU {@code y = max(x, 0)} (libnd4j {@code relu}, cutoff 0) whose backward is {@code dL/dx = step(x) * dL/dy}
 * ({@code step(x)} = 1 where x &gt; 0, else 0: the derivative at 0 is 0, as in PyTorch): two streaming passes instead
 * of libnd4j's {@code relu_bp}, which measured 4x slower on {@code [128, 16, 28, 28]} (docs/benchmarks.md, "Issue 19,
 * second half"). Shapes: any; y and the gradient have x's shape.
 */
public final class ReluOp extends DynamicCustomOp {

    static {
        OpClasses.register(new ReluOp());
    }

    /** For SameDiff's copy by serialization. */
    public ReluOp() {
    }

    private ReluOp(SameDiff sd, SDVariable x) {
        super(null, sd, new SDVariable[] {x});
        addTArgument(0.0);
    }

    /** {@code max(x, 0)} named {@code name}. */
    static SDVariable relu(SameDiff sd, String name, SDVariable x) {
        return new ReluOp(sd, x).outputVariables(name)[0];
    }

    @Override
    public String opName() {
        return "relu";
    }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> in) {
        return List.of(in.get(0));
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        return List.of(sameDiff.math.step(arg(0), 0.0).mul(grads.get(0)));
    }
}
