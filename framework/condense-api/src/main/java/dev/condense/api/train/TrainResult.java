package dev.condense.api.train;

import dev.condense.api.model.ModelGraph;

/**
 * Outcome of a training run.
 *
 * @param graph          the trained graph (masks held: masked weights stay exactly zero)
 * @param finalLoss      mean training loss over the last epoch
 * @param samplesPerSec  measured training throughput over all epochs, wall clock
 */
public record TrainResult(ModelGraph graph, double finalLoss, double samplesPerSec) {
}
