/**
 * Training and distillation losses: {@link dev.condense.api.loss.LossFunction} extensions build a scalar loss as
 * SameDiff ops from {@link dev.condense.api.loss.LossInputs} (logits and labels {@code [N, C]}, optional teacher
 * logits and feature taps), so gradients come from autodiff.
 */
package dev.condense.api.loss;
