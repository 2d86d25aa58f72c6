package dev.condense.engine.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an op lowering may read besides its SameDiff arguments.
 *
 * @param sd       the SameDiff graph being built
 * @param consts   the IR's initializers (source arrays; never mutate), for shape-carrying inputs
 * @param shapes   static shapes of every IR tensor ({@link dev.condense.engine.graph.ShapeInference})
 * @param training true for the training graph (BatchNormalization on batch statistics, real dropout)
 * @param bnStats  filled by the BatchNormalization lowering in training mode
 */
record LowerContext(SameDiff sd, Map<String, INDArray> consts, Map<String, long[]> shapes, boolean training,
                    List<BatchNormStats> bnStats) {

    LowerContext(SameDiff sd, Map<String, INDArray> consts, Map<String, long[]> shapes, boolean training) {
        this(sd, consts, shapes, training, new ArrayList<>());
    }

    long[] shape(String tensor) {
        return shapes.get(tensor);
    }
}
