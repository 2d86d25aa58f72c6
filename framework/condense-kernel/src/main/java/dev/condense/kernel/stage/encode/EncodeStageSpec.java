package dev.condense.kernel.stage.encode;

import dev.condense.engine.codec.CentroidPrecision;
import dev.condense.engine.codec.RelativeIndex;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.Objects;

/**
 * A parsed {@code encode} stage.
 *
 * @param convBits relative-index bits of convolution weights, 1 to 16 (the paper: 8)
 * @param fcBits   relative-index bits of Gemm/MatMul weights, 1 to 16 (the paper: 5)
 * @param codebook how the shared values are stored: float32 (the default) or float16 (the coded weights are then
 *                 the centroids rounded to float16, and the stages after encode see those)
 */
public record EncodeStageSpec(int convBits, int fcBits, CentroidPrecision codebook, Location location)
        implements StageSpec {
    public static final int PAPER_CONV_BITS = 8;
    public static final int PAPER_FC_BITS = 5;

    public EncodeStageSpec {
        for (int b : new int[] {convBits, fcBits}) {
            if (b < 1 || b > RelativeIndex.MAX_INDEX_BITS) {
                throw new IllegalArgumentException("index bits must be in [1, 16], was " + b);
            }
        }
        Objects.requireNonNull(codebook, "codebook");
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "encode";
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        boolean clustered = false;
        for (StageSpec s : context.recipe().stages()) {
            if (s == this) {
                break;
            }
            clustered |= s instanceof dev.condense.kernel.stage.cluster.ClusterStageSpec
                    || s instanceof dev.condense.kernel.stage.quantize.BinaryQuantizeSpec;
        }
        return new EncodeStep(this, context.recipe().output().resolvedDir(), clustered);
    }
}
