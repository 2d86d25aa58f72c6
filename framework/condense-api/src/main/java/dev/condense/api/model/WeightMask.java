package dev.condense.api.model;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A pruning mask: 1 keeps a weight, 0 removes it. The mask has the weight's shape and the weight is zero (either
 * sign) wherever the mask is zero. Masked zeros are still stored: a mask is not a removal, and it is not exported
 * (the initializer already holds the zeros).
 *
 * @param values the mask, any floating type, every element 0 or 1 (checked here, O(elements))
 */
public record WeightMask(INDArray values) implements TensorAnnotation {

    public WeightMask {
        Objects.requireNonNull(values, "values");
        if (!values.dataType().isFPType()) {
            throw new IllegalArgumentException("a mask holds floating-point 0/1 values, not " + values.dataType());
        }
        if (values.length() > 0 && values.neq(0).castTo(DataType.INT32)
                .mul(values.neq(1).castTo(DataType.INT32)).sumNumber().longValue() != 0) {
            throw new IllegalArgumentException("a mask holds only 0 and 1");
        }
    }

    @Override
    public String problemWith(INDArray weight) {
        if (!Arrays.equals(weight.shape(), values.shape())) {
            return "mask shape " + Arrays.toString(values.shape()) + " does not match the initializer's shape "
                    + Arrays.toString(weight.shape());
        }
        long kept = weight.length() == 0 ? 0 : weight.castTo(values.dataType()).mul(values.rsub(1)).neq(0)
                .castTo(DataType.INT64).sumNumber().longValue();
        return kept == 0 ? null : kept + " weights are nonzero where the mask is 0";
    }

    @Override
    public String kind() {
        return "mask";
    }
}
