package dev.condense.api.model;

import java.util.List;
import java.util.Objects;

/**
 * A set of coupled channels that a structured pruner must remove together: removing channel {@code c} of the
 * group removes, in every member, the indices {@link ChannelSlice} gives for {@code c} (producer weights and
 * biases, BatchNormalization parameters, the next layer's input weights, the other branch of a residual Add, a
 * Concat's offset range, a flattened feature block, a depthwise conv's per-channel filters).
 *
 * <p>Only prunable groups are reported: channels of graph inputs and outputs, and channels that pass through an
 * op whose channel mapping is not tracked (Reshape, Transpose, Softmax, grouped conv other than depthwise, ...),
 * are never in a group.
 *
 * @param sources names of the nodes that produce the channels (one, or several merged by residual Adds), in graph
 *                order
 * @param size    number of channels, &gt;= 1
 * @param members every tensor slice indexed by these channels, parameters and activations alike
 */
public record ChannelGroup(List<String> sources, long size, List<ChannelSlice> members) {

    public ChannelGroup {
        sources = List.copyOf(sources);
        members = List.copyOf(members);
        if (size < 1) {
            throw new IllegalArgumentException("a channel group needs at least one channel, got " + size);
        }
    }

    /** The slices of {@code tensor} in this group (usually zero or one, two for a weight read twice). */
    public List<ChannelSlice> slicesOf(String tensor) {
        Objects.requireNonNull(tensor, "tensor");
        return members.stream().filter(s -> s.tensor().equals(tensor)).toList();
    }
}
