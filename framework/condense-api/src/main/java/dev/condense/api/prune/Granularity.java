package dev.condense.api.prune;

/**
 * The unit that pruning removes or masks.
 * <ul>
 *   <li>{@code ELEMENT}: single weights (unstructured); scores have the weight's shape.</li>
 *   <li>{@code NEURON}: output units of a Gemm/MatMul ({@code [out, in]} rows); scores {@code [out]}.</li>
 *   <li>{@code FILTER}: output channels of a Conv ({@code [outC, ...]}); scores {@code [outC]}.</li>
 *   <li>{@code CHANNEL}: input channels of a Conv or input features of a Gemm; scores {@code [in]}.</li>
 * </ul>
 */
public enum Granularity {
    ELEMENT, NEURON, FILTER, CHANNEL
}
