package dev.condense.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small recipes for integration tests, sized for CI (a slice of MNIST, one epoch). */
final class Recipes {
    private Recipes() {
    }

    /**
     * LeNet-300-100 on 5,000 MNIST training images for one epoch, magnitude-pruned to 90% in two steps with one
     * fine-tuning epoch each, evaluated on 2,000 test images, exported.
     */
    static String small(String name, int trainLimit) {
        return """
                recipe: %s
                seed: 11
                model: {zoo: lenet-300-100}
                data: {dataset: mnist, train-limit: %d, test-limit: 2000}
                stages:
                  - train: {epochs: 1, batch: 64, optimizer: {adam: {lr: 2.0e-3}}}
                  - evaluate: {metrics: [accuracy, size]}
                  - prune:
                      scorer: magnitude
                      granularity: element
                      sparsity: {default: 0.9}
                      schedule: {iterative: {steps: 2, finetune: {epochs: 1, batch: 64, optimizer: {adam: {lr: 1.0e-3}}}}}
                  - evaluate: {metrics: [accuracy, size]}
                  - export: {format: onnx}
                output: {dir: runs/%s}
                """.formatted(name, trainLimit, name);
    }

    /**
     * LeNet-300-100 on 500 MNIST training images for one epoch, pruned one-shot to 50% by {@code scorer},
     * evaluated on 200 test images: the smallest real run, for plugin tests.
     */
    static String tiny(String name, String scorer) {
        return """
                recipe: %s
                seed: 5
                model: {zoo: lenet-300-100}
                data: {dataset: mnist, train-limit: 500, test-limit: 200}
                stages:
                  - train: {epochs: 1, batch: 64}
                  - prune: {scorer: %s, granularity: element, sparsity: {default: 0.5}, schedule: one-shot}
                  - evaluate: {metrics: [accuracy, size]}
                output: {dir: runs/%s}
                """.formatted(name, scorer, name);
    }

    static Path write(Path dir, String fileName, String text) throws IOException {
        Path p = dir.resolve(fileName);
        Files.writeString(p, text);
        return p;
    }
}
