/**
 * Importance scoring for pruning: {@link dev.condense.api.prune.ImportanceScorer} extensions score the units of
 * one weight ({@link dev.condense.api.prune.Granularity}: element, neuron, filter, channel) from a {@link
 * dev.condense.api.prune.ScoringRequest}; higher scores are kept. The kernel ranks, masks or removes.
 */
package dev.condense.api.prune;
