/**
 * The model IR shared by the kernel, the engine and extensions: an immutable, ONNX-aligned {@link
 * dev.condense.api.model.ModelGraph} of {@link dev.condense.api.model.Node}s with float32 initializers in ONNX layouts
 * (Gemm {@code [out, in]}, Conv {@code [outC, inC/g, kH, kW]}) and their {@link
 * dev.condense.api.model.TensorAnnotation}s (0/1 pruning masks, affine quantization, codebooks: the float values
 * always agree with them; only export materializes them), plus the channel groups structured pruning removes
 * together. Invariants are listed on {@code ModelGraph} and checked by
 * its builder.
 */
package dev.condense.api.model;
