package dev.condense.engine.zoo;

import dev.condense.api.model.ModelGraph;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * Built-in architectures, by the names the literature uses, freshly initialized from a seed: {@code lenet-300-100},
 * and Hinton et al.'s (2015) distillation MLPs {@code mlp-1200-1200-dropout} (teacher, dropout 0.2 on the input and
 * 0.5 after each hidden layer) and {@code mlp-800-800} (student) ({@link MlpBuilder}), {@code lenet-5}, {@code vgg-small},
 * {@code resnet-20-small} and its distillation student {@code resnet-8-tiny} ({@link CnnZoo}).
 *
 * <p>MNIST models normalize with the training set's pixel mean 0.1307 and standard deviation 0.3081 inside the
 * graph; they take raw pixels in [0,1], shape {@code [N,1,28,28]}, and return logits {@code [N,10]}.
 */
public final class Zoo {
    private static final float MNIST_MEAN = 0.1307f;
    private static final float MNIST_STD = 0.3081f;
    private static final Map<String, LongFunction<ModelGraph>> MODELS = Map.of(
            "lenet-300-100", seed -> MlpBuilder.build("lenet-300-100", new long[] {1, 28, 28},
                    new int[] {300, 100, 10}, MNIST_MEAN, MNIST_STD, seed),
            "mlp-1200-1200-dropout", seed -> MlpBuilder.build("mlp-1200-1200-dropout", new long[] {1, 28, 28},
                    new int[] {1200, 1200, 10}, MNIST_MEAN, MNIST_STD, seed, 0.2f, 0.5f),
            "mlp-800-800", seed -> MlpBuilder.build("mlp-800-800", new long[] {1, 28, 28},
                    new int[] {800, 800, 10}, MNIST_MEAN, MNIST_STD, seed),
            "lenet-5", seed -> CnnZoo.lenet5(MNIST_MEAN, MNIST_STD, seed),
            "vgg-small", seed -> CnnZoo.vggSmall(MNIST_MEAN, MNIST_STD, seed),
            "resnet-20-small", seed -> CnnZoo.resnet20Small(MNIST_MEAN, MNIST_STD, seed),
            "resnet-8-tiny", seed -> CnnZoo.resnet8Tiny(MNIST_MEAN, MNIST_STD, seed));

    private Zoo() {
    }

    /** Ids of the built-in architectures, sorted. */
    public static SortedSet<String> ids() {
        return new TreeSet<>(MODELS.keySet());
    }

    /**
     * Builds architecture {@code id} with weights initialized from {@code seed}.
     *
     * @throws IllegalArgumentException for an unknown id, listing the known ones
     */
    public static ModelGraph build(String id, long seed) {
        LongFunction<ModelGraph> f = MODELS.get(id);
        if (f == null) {
            throw new IllegalArgumentException("unknown zoo model '" + id + "'; known: " + ids());
        }
        return f.apply(seed);
    }
}
