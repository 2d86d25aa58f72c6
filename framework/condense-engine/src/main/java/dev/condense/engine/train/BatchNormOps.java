package dev.condense.engine.train;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * Training-mode batch normalization as three libnd4j ops instead of a dozen elementwise ones: {@code moments} (batch
 * mean and biased variance per channel), {@code batchnorm} (normalize, scale, shift) forward, and one
 * {@code batchnorm_bp} backward that returns the full training gradient
 * {@code dL/dx = gamma / sigma * (dy - mean(dy) - xhat * mean(dy * xhat))} (Ioffe &amp; Szegedy 2015, section 3),
 * which already carries the paths through the batch mean and variance.
 *
 * <p>Why custom classes: ND4J 1.0.0-M2.1's {@code BatchNorm.doDiff} builds its derivative without the axis
 * ("axis must be specified") and cannot be trained through. Because {@code batchnorm_bp}'s input gradient is
 * complete, the moments must not add a second path into {@code x}: {@link Moments#doDiff} returns zeros (its
 * {@code dLdM}, {@code dLdV} from {@code batchnorm_bp} are zeros too), so SameDiff adds a zero tensor to
 * {@code x}'s gradient instead of differentiating the reductions. Both classes are registered with
 * {@link OpClasses} so that SameDiff's copies keep them.
 *
 * <p>Shapes: {@code x} is {@code [N, C, ...]} (rank 2 to 5), channel axis 1; mean, variance, gamma, beta {@code [C]}.
 * Measured in docs/benchmarks.md ("Issue 19, second half").
 */
final class BatchNormOps {

    static {
        OpClasses.register(new Moments());
        OpClasses.register(new Forward());
    }

    private BatchNormOps() {
    }

    /**
     * Training batch normalization of {@code x} on its batch statistics.
     *
     * @param name the output's name ({@code y}); the moments are named {@code name.batch} and {@code name.batch:1}
     * @return {@code [y, batchMean, batchVar]}: y with x's shape, the moments {@code [C]} (biased variance)
     */
    static SDVariable[] training(SameDiff sd, String name, SDVariable x, SDVariable gamma, SDVariable beta,
                                 int rank, double epsilon) {
        int[] axes = new int[rank - 1];
        axes[0] = 0;
        for (int i = 2; i < rank; i++) {
            axes[i - 1] = i;
        }
        SDVariable[] m = new Moments(sd, x, axes).outputVariables(name + ".batch");
        SDVariable y = new Forward(sd, new SDVariable[] {x, m[0], m[1], gamma, beta}, epsilon).outputVariables(name)[0];
        return new SDVariable[] {y, m[0], m[1]};
    }

    /** libnd4j {@code moments} over {@code axes}: mean and biased variance; no gradient into x (see class doc). */
    public static final class Moments extends DynamicCustomOp {
        /** For ND4J's copy by serialization: arguments are restored from the serialized op. */
        public Moments() {
        }

        Moments(SameDiff sd, SDVariable x, int[] axes) {
            super(null, sd, new SDVariable[] {x});
            addIArgument(axes);
        }

        @Override
        public String opName() {
            return "moments";
        }

        @Override
        public int getNumOutputs() {
            return 2;
        }

        @Override
        public List<DataType> calculateOutputDataTypes(List<DataType> in) {
            return List.of(in.get(0), in.get(0));
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> grads) {
            return List.of(sameDiff.zerosLike(arg(0)));
        }
    }

    /** libnd4j {@code batchnorm} with gamma and beta on axis 1; backward {@link Backward}. */
    public static final class Forward extends DynamicCustomOp {
        /** For ND4J's copy by serialization: arguments are restored from the serialized op. */
        public Forward() {
        }

        Forward(SameDiff sd, SDVariable[] xMeanVarGammaBeta, double epsilon) {
            super(null, sd, xMeanVarGammaBeta);
            addIArgument(1, 1, 1);
            addTArgument(epsilon);
        }

        @Override
        public String opName() {
            return "batchnorm";
        }

        @Override
        public List<DataType> calculateOutputDataTypes(List<DataType> in) {
            return List.of(in.get(0));
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> grads) {
            SDVariable[] in = args();
            SDVariable[] bp = new Backward(sameDiff, new SDVariable[] {in[0], in[1], in[2], in[3], in[4], grads.get(0)},
                    tArguments.get(0)).outputVariables();
            return List.of(bp);
        }
    }

    /** libnd4j {@code batchnorm_bp}: outputs dL/dx, dL/dmean (0), dL/dvar (0), dL/dgamma, dL/dbeta. */
    static final class Backward extends DynamicCustomOp {
        Backward() {
        }

        Backward(SameDiff sd, SDVariable[] xMeanVarGammaBetaGrad, double epsilon) {
            super(null, sd, xMeanVarGammaBetaGrad);
            addIArgument(1, 1, 1);
            addTArgument(epsilon);
        }

        @Override
        public String opName() {
            return "batchnorm_bp";
        }

        @Override
        public int getNumOutputs() {
            return 5;
        }

        @Override
        public List<DataType> calculateOutputDataTypes(List<DataType> in) {
            return List.of(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4));
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> grads) {
            throw new UnsupportedOperationException("no second derivative of batch normalization");
        }
    }
}
