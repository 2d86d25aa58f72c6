package dev.condense.api.model;

import java.util.Objects;

/**
 * Where the channels of a {@link ChannelGroup} sit in one tensor: channel {@code c} of the group occupies the
 * index range {@code [offset + c * block, offset + (c + 1) * block)} along {@code axis} of {@code tensor}.
 *
 * <p>Examples: a Conv weight {@code [outC, inC, kH, kW]} has its output channels at axis 0 (offset 0, block 1)
 * and input channels at axis 1; a Concat output carries a branch's channels at its offset; a Gemm that reads a
 * flattened {@code [N, C, H, W]} activation has channel {@code c} at columns {@code c*H*W .. (c+1)*H*W - 1}
 * of its weight (axis 1, block {@code H*W}).
 *
 * @param tensor initializer or activation name
 * @param axis   the axis the channels index, &gt;= 0
 * @param offset index of channel 0's first element along {@code axis}, &gt;= 0
 * @param block  indices per channel along {@code axis}, &gt;= 1
 */
public record ChannelSlice(String tensor, int axis, long offset, long block) {

    public ChannelSlice {
        Objects.requireNonNull(tensor, "tensor");
        if (axis < 0 || offset < 0 || block < 1) {
            throw new IllegalArgumentException("invalid channel slice of " + tensor + ": axis " + axis + ", offset "
                    + offset + ", block " + block);
        }
    }
}
