package dev.condense.api.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A weight stored in IEEE 754 binary16 (half precision) when the graph is exported: the annotated float32
 * initializer holds values that binary16 represents exactly ({@link #project}{@code (w)} equals {@code w} bit for
 * bit), and the exporter writes them as a FLOAT16 initializer with a {@code Cast} to FLOAT, so the file holds half
 * the bytes and ONNX Runtime computes in float32 at float speed (its CPU provider has few float16 kernels; a graph
 * computing in float16 ran 1.5-3.2x slower here, docs/benchmarks.md). Exclusive with {@link AffineQuantization} and
 * {@link Codebook}.
 */
public record HalfPrecision() implements TensorAnnotation {

    /** {@code w} rounded to the nearest binary16 value (ties to even) and back to float32. */
    public static INDArray project(INDArray w) {
        return w.castTo(DataType.FLOAT16).castTo(DataType.FLOAT);
    }

    @Override
    public String problemWith(INDArray weight) {
        if (weight.dataType() != DataType.FLOAT) {
            return "a float16 initializer holds float32 values, not " + weight.dataType();
        }
        long off = weight.length() == 0 ? 0 : project(weight).neq(weight).castTo(DataType.INT64).sumNumber().longValue();
        return off == 0 ? null : off + " of " + weight.length() + " values are not float16 values (project them with "
                + "HalfPrecision.project)";
    }

    @Override
    public String kind() {
        return "float16";
    }
}
