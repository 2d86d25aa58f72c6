package dev.condense.engine.train;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * An embedding lookup {@code y = table[ids]} (libnd4j {@code gather} along axis 0) whose backward is one scatter-add:
 * {@code dL/dtable = scatter_add(0, ids, dL/dy)}, summing the gradients of repeated ids. ND4J 1.0.0-M2.1's own
 * {@code Gather.doDiff} builds a SameDiff while loop ({@code SDVariable.put}) that fails while the gradient function
 * is created ("Unable to replace samediff namespace"), so no graph that trains a Gather could be built.
 *
 * <p>Shapes: table {@code [V, D]} (float), ids int64 of any shape {@code S} with values in {@code [0, V)}; y
 * {@code S + [D]}. The ids get a zero gradient (they are integers).
 */
public final class EmbeddingGather extends DynamicCustomOp {

    static {
        OpClasses.register(new EmbeddingGather());
    }

    /** For SameDiff's copy by serialization. */
    public EmbeddingGather() {
    }

    private EmbeddingGather(SameDiff sd, SDVariable table, SDVariable ids) {
        super(null, sd, new SDVariable[] {table, ids});
        addIArgument(0);
    }

    /** {@code table[ids]} named {@code name}. */
    static SDVariable lookup(SameDiff sd, String name, SDVariable table, SDVariable ids) {
        return new EmbeddingGather(sd, table, ids).outputVariables(name)[0];
    }

    @Override
    public String opName() {
        return "gather";
    }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> in) {
        return List.of(in.get(0));
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        if (iArgs().length > 0 && iArgs()[0] != 0) {
            throw new UnsupportedOperationException("gather along axis " + iArgs()[0]
                    + " has no gradient here; only embedding lookups (axis 0) train");
        }
        SDVariable table = arg(0);
        SDVariable ids = arg(1);
        long[] shape = table.getShape();
        if (shape == null || shape.length != 2) {
            throw new UnsupportedOperationException("gather's gradient needs a [V, D] table of known shape, got "
                    + java.util.Arrays.toString(shape));
        }
        SDVariable rows = sameDiff.reshape(ids, -1);
        SDVariable updates = sameDiff.reshape(grads.get(0), -1, shape[1]);
        SDVariable dTable = sameDiff.scatterAdd(sameDiff.zerosLike(table), rows, updates);
        return List.of(dTable, sameDiff.zerosLike(ids));
    }
}
