package dev.condense.engine.train;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Records one step of SameDiff's session for {@link OpPlan}: the ops in the order the session ran them and, per op,
 * the data type, shape and ordering of every output it produced. The session's own arrays are not kept.
 */
final class OpRecorder extends BaseListener {
    /** An output as the session allocated it. */
    record Output(DataType type, long[] shape, char order) {
    }

    /** One executed op and its outputs, in output order. */
    record Executed(SameDiffOp op, List<Output> outputs) {
    }

    private final List<Executed> executed = new ArrayList<>();

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet data, SameDiffOp op, OpContext ctx, INDArray[] outputs) {
        List<Output> outs = new ArrayList<>();
        for (INDArray a : outputs) {
            outs.add(a == null ? null : new Output(a.dataType(), a.shape(), a.ordering()));
        }
        executed.add(new Executed(op, outs));
    }

    /** The ops of the recorded step, in execution order. */
    List<Executed> executed() {
        return List.copyOf(executed);
    }
}
