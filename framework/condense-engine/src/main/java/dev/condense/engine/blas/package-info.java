/**
 * The BLAS library under ND4J: which OpenBLAS is loaded, which kernel set ("core") it dispatched to for this CPU,
 * and whether that core is a generic fallback on a CPU that supports a better one. The core is chosen once, when
 * the library loads, from {@code OPENBLAS_CORETYPE} or OpenBLAS's own CPU detection; the launcher, the test JVMs
 * and bench/ set that variable (see docs/architecture.md, "BLAS kernels").
 */
package dev.condense.engine.blas;
