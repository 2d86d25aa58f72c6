package dev.condense.engine.zoo;

import dev.condense.api.model.ModelGraph;

/**
 * The convolutional zoo models for MNIST-shaped input {@code [N, 1, 28, 28]} (raw pixels in [0, 1], normalized
 * inside the graph with {@code mean}/{@code std}), returning logits {@code [N, 10]}.
 */
final class CnnZoo {
    private static final long[] INPUT = {-1, 1, 28, 28};

    private CnnZoo() {
    }

    /**
     * LeNet-5, Caffe variant (LeCun et al. 1998; as in Han et al. 2015): conv 20@5x5 -> maxpool 2 -> conv 50@5x5 ->
     * maxpool 2 -> fc 500 -> relu -> fc 10. Shapes: 28 -> 24 -> 12 -> 8 -> 4; 50*4*4 = 800 features; 431,080
     * parameters.
     */
    static ModelGraph lenet5(float mean, float std, long seed) {
        GraphBuilder b = new GraphBuilder("lenet-5", INPUT, seed);
        String x = b.normalize(mean, std);
        x = b.maxPool("pool1", b.conv("conv1", x, 20, 5, 1, 0, true), 2);
        x = b.maxPool("pool2", b.conv("conv2", x, 50, 5, 1, 0, true), 2);
        x = b.relu("fc1.relu", b.gemm("fc1", b.flatten("flatten", x), 800, 500, false));
        b.gemm("fc2", x, 500, 10, true);
        return b.build();
    }

    /**
     * A small VGG-style CNN (Simonyan &amp; Zisserman 2015): two blocks of (conv 3x3 -> BN -> ReLU) x 2 -> maxpool 2
     * with 16/32 then 32/64 channels, global average pooling, fc 10. Shapes: 28 -> 14 -> 7 -> 1.
     */
    static ModelGraph vggSmall(float mean, float std, long seed) {
        GraphBuilder b = new GraphBuilder("vgg-small", INPUT, seed);
        String x = b.normalize(mean, std);
        long[][] widths = {{16, 32}, {32, 64}};
        for (int blk = 0; blk < widths.length; blk++) {
            for (int i = 0; i < 2; i++) {
                String n = "b" + (blk + 1) + ".conv" + (i + 1);
                x = b.relu(n + ".relu", b.batchNorm(n + ".bn", b.conv(n, x, widths[blk][i], 3, 1, 1, false)));
            }
            x = b.maxPool("b" + (blk + 1) + ".pool", x, 2);
        }
        x = b.flatten("flatten", b.globalAveragePool("gap", x));
        b.gemm("fc", x, 64, 10, true);
        return b.build();
    }

    /**
     * ResNet-20 (He et al. 2016, CIFAR variant) with widths 8/16/32: conv 3x3 -> BN -> ReLU, then three stages of
     * three basic blocks (conv-BN-ReLU-conv-BN + shortcut, ReLU); stages 2 and 3 start with stride 2 and a 1x1
     * conv + BN projection shortcut (option B). Global average pooling, fc 10. Shapes: 28 -> 28 -> 14 -> 7 -> 1.
     * 7,783,872 MACs per sample.
     */
    static ModelGraph resnet20Small(float mean, float std, long seed) {
        return resnet("resnet-20-small", new long[] {8, 16, 32}, 3, mean, std, seed);
    }

    /**
     * ResNet-8 (He et al. 2016, CIFAR variant, n = 1) with widths 6/12/24: the layout of {@link #resnet20Small} with
     * one basic block per stage, so stage outputs {@code s1.b1.relu2 [6, 28, 28]}, {@code s2.b1.relu2 [12, 14, 14]}
     * and {@code s3.b1.relu2 [24, 7, 7]} have the spatial sizes of resnet-20-small's {@code s<i>.b3.relu2}: the
     * distillation student of the Fashion-MNIST comparison (issue 17), 1,340,880 MACs per sample (17.2% of
     * resnet-20-small's).
     */
    static ModelGraph resnet8Tiny(float mean, float std, long seed) {
        return resnet("resnet-8-tiny", new long[] {6, 12, 24}, 1, mean, std, seed);
    }

    /** The CIFAR ResNet of {@link #resnet20Small} with 3 stages of {@code blocks} basic blocks of the given widths. */
    private static ModelGraph resnet(String name, long[] widths, int blocks, float mean, float std, long seed) {
        GraphBuilder b = new GraphBuilder(name, INPUT, seed);
        String x = b.normalize(mean, std);
        x = b.relu("stem.relu", b.batchNorm("stem.bn", b.conv("stem.conv", x, widths[0], 3, 1, 1, false)));
        for (int s = 0; s < widths.length; s++) {
            for (int k = 0; k < blocks; k++) {
                String p = "s" + (s + 1) + ".b" + (k + 1);
                long stride = s > 0 && k == 0 ? 2 : 1;
                String h = b.relu(p + ".relu1", b.batchNorm(p + ".bn1", b.conv(p + ".conv1", x, widths[s], 3, stride, 1, false)));
                h = b.batchNorm(p + ".bn2", b.conv(p + ".conv2", h, widths[s], 3, 1, 1, false));
                String shortcut = stride == 1 ? x
                        : b.batchNorm(p + ".down.bn", b.conv(p + ".down", x, widths[s], 1, stride, 0, false));
                x = b.relu(p + ".relu2", b.add(p + ".add", h, shortcut));
            }
        }
        x = b.flatten("flatten", b.globalAveragePool("gap", x));
        b.gemm("fc", x, widths[widths.length - 1], 10, true);
        return b.build();
    }
}
