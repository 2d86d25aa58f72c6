/**
 * Training settings an extension or recipe passes to the kernel's trainer (epochs, batch size, optimizer,
 * learning-rate schedule, augmentation) and what a training run returns.
 */
package dev.condense.api.train;
