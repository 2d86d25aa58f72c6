/**
 * Data sets as the kernel offers them to stages and extensions: train, validation and test splits of float32
 * feature rows {@code [N, ...]} with class-index labels {@code [N]}.
 */
package dev.condense.api.data;
