/**
 * Low-rank factorization: {@link dev.condense.api.decomp.Decomposition} extensions split a weight into factors
 * ({@link dev.condense.api.decomp.Factorization}, with a layout naming how the engine rewrites the node) and
 * multiply them back.
 */
package dev.condense.api.decomp;
