package dev.condense.kernel.stage.prune;

import dev.condense.api.model.ChannelGroup;
import dev.condense.api.model.ChannelSlice;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A channel group that a structured prune stage ranks and removes as one unit set.
 *
 * <p>{@code scored} are the slices of the group that lie on a targeted layer's scored axis (its output axis 0 for
 * FILTER/NEURON, its input axis 1 for CHANNEL). Channel {@code c} of the group gets, from each scored slice, the sum
 * of the layer's unit scores over {@code [offset + c*block, offset + (c+1)*block)} (a flattened {@code H*W} block
 * sums), and the group score is the <em>mean</em> over its scored slices. Within one group mean and sum rank alike;
 * the mean keeps a residual group (several producers) on the same scale as a single layer when groups are ranked
 * against each other globally.
 *
 * @param group  the channel group from the dependency analysis
 * @param scored its slices on targeted, scored layers; at least one
 */
public record UnitGroup(ChannelGroup group, List<ChannelSlice> scored) {

    public UnitGroup {
        Objects.requireNonNull(group, "group");
        scored = List.copyOf(scored);
        if (scored.isEmpty()) {
            throw new IllegalArgumentException("a unit group needs a scored layer: " + group.sources());
        }
    }

    /** A stable name across schedule steps: the producing nodes joined by {@code +}. */
    public String key() {
        return String.join("+", group.sources());
    }

    /** The distinct layers (weight names) that score this group. */
    public List<String> layers() {
        return scored.stream().map(ChannelSlice::tensor).distinct().toList();
    }

    /**
     * Group scores {@code [size]}, float32.
     *
     * @param layerScores per scored layer, its unit scores (length = the weight's size along the slice's axis)
     */
    public INDArray scores(java.util.Map<String, INDArray> layerScores) {
        long n = group.size();
        INDArray sum = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, n);
        for (ChannelSlice s : scored) {
            INDArray v = layerScores.get(s.tensor()).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
            v = v.reshape(v.length());
            INDArray part = v.get(NDArrayIndex.interval(s.offset(), s.offset() + n * s.block()));
            sum.addi(part.reshape(n, s.block()).sum(1));
        }
        return sum.divi(scored.size());
    }
}
