package dev.condense.testkit;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.decomp.Factorization;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import dev.condense.api.stage.Stage;
import dev.condense.api.stage.StageContext;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Small, real reference implementations that exercise the contracts themselves. */
final class ReferenceExtensions {
    private ReferenceExtensions() {
    }

    record Bits(int bits) {
        Bits {
            if (bits < 1 || bits > 8) {
                throw new IllegalArgumentException("bits must be in [1, 8], was " + bits);
            }
        }
    }

    record Rank(int rank) {
        Rank {
            if (rank < 1) {
                throw new IllegalArgumentException("rank must be >= 1, was " + rank);
            }
        }
    }

    record Factor(double factor) {
    }

    /** Per-tensor asymmetric uniform quantization: {@code code = round((x - min) / scale)}, {@code 2^b} levels. */
    static final class UniformQuantizer implements Quantizer<Bits> {
        public String id() { return "uniform"; }
        public Class<Bits> paramsType() { return Bits.class; }
        public String summary() { return "Uniform per-tensor affine quantization"; }

        public QuantizedTensor quantize(INDArray x, Bits p) {
            double min = x.minNumber().doubleValue();
            double scale = Math.max(1e-12, (x.maxNumber().doubleValue() - min) / ((1 << p.bits()) - 1));
            INDArray codes = Transforms.round(x.sub(min).divi(scale), false);
            return new QuantizedTensor(codes, Nd4j.scalar(DataType.FLOAT, scale), Nd4j.scalar(DataType.FLOAT, -min / scale),
                    null, p.bits(), id());
        }

        public INDArray dequantize(QuantizedTensor q) {
            return q.codes().sub(q.zeroPoint().getDouble(0)).muli(q.scale().getDouble(0));
        }
    }

    /** Truncated SVD {@code W ~ U_r S_r V_r^T} through LAPACK's gesvd. */
    static final class SvdDecomposition implements Decomposition<Rank> {
        public String id() { return "svd"; }
        public Class<Rank> paramsType() { return Rank.class; }
        public String summary() { return "Truncated SVD"; }

        public Factorization decompose(INDArray w, Rank p) {
            long m = w.size(0);
            long n = w.size(1);
            long k = Math.min(m, n);
            INDArray a = w.castTo(DataType.DOUBLE).dup('f');
            INDArray s = Nd4j.create(DataType.DOUBLE, k);
            INDArray u = Nd4j.create(DataType.DOUBLE, new long[] {m, m}, 'f');
            INDArray vt = Nd4j.create(DataType.DOUBLE, new long[] {n, n}, 'f');
            Nd4j.getBlasWrapper().lapack().gesvd(a, s, u, vt);
            int r = (int) Math.min(p.rank(), k);
            INDArray us = u.getColumns(java.util.stream.IntStream.range(0, r).toArray()).mulRowVector(s.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, r)));
            INDArray v = vt.getRows(java.util.stream.IntStream.range(0, r).toArray());
            return new Factorization(List.of(v.castTo(DataType.FLOAT), us.castTo(DataType.FLOAT)), Factorization.GEMM_UV);
        }

        public INDArray reconstruct(Factorization f) {
            return f.factors().get(1).mmul(f.factors().get(0)); // [out, r] x [r, in]
        }
    }

    /** Softmax cross-entropy against the labels. */
    static final class CrossEntropyLoss implements LossFunction<Factor> {
        public String id() { return "cross-entropy"; }
        public Class<Factor> paramsType() { return Factor.class; }
        public String summary() { return "Softmax cross-entropy, scaled"; }

        public SDVariable loss(LossInputs in, Factor p) {
            return in.sd().loss.softmaxCrossEntropy(in.labels(), in.logits(), null).mul(p.factor());
        }
    }

    /** Multiplies every initializer by a factor, into a new graph. */
    static final class ScaleStage implements Stage<Factor> {
        public String id() { return "scale"; }
        public Class<Factor> paramsType() { return Factor.class; }
        public String summary() { return "Scales every initializer"; }

        public ModelGraph apply(ModelGraph g, Factor p, StageContext ctx) {
            ModelGraph.Builder b = g.toBuilder();
            g.initializers().forEach((k, v) -> b.initializer(k, v.mul(p.factor())));
            return b.build();
        }
    }

    record NoParams() {
    }

    /** One-pass running min/max, widened to contain 0. */
    static final class MinMaxCalibrator implements Calibrator<NoParams> {
        public String id() { return "minmax"; }
        public Class<NoParams> paramsType() { return NoParams.class; }
        public String summary() { return "Running minimum and maximum"; }

        public Accumulator accumulator(NoParams p) {
            return new Accumulator() {
                private double lo = Double.POSITIVE_INFINITY;
                private double hi = Double.NEGATIVE_INFINITY;

                public int passes() { return 1; }

                public void observe(int pass, INDArray values) {
                    if (pass != 0) {
                        throw new IllegalArgumentException("pass must be 0, was " + pass);
                    }
                    lo = Math.min(lo, values.minNumber().doubleValue());
                    hi = Math.max(hi, values.maxNumber().doubleValue());
                }

                public ClipRange range(int bits, boolean symmetric) {
                    if (lo > hi) {
                        throw new IllegalStateException("no values observed");
                    }
                    double min = Math.min(0, lo);
                    double max = Math.max(0, hi);
                    double abs = Math.max(-min, max);
                    if (abs == 0) {
                        return symmetric ? new ClipRange(-1, 1) : new ClipRange(0, 1);
                    }
                    return symmetric ? new ClipRange(-abs, abs) : new ClipRange(min, max);
                }
            };
        }
    }
}
