/**
 * Lossless storage coding of compressed models (Deep Compression's third step, Han, Mao and Dally, ICLR 2016):
 * relative-index sparse storage ({@link dev.condense.engine.codec.RelativeIndex}), canonical Huffman codes
 * ({@link dev.condense.engine.codec.CanonicalHuffman}), coded layers ({@link dev.condense.engine.codec.CodedLayer})
 * and the versioned, digest-checked {@code model.cz} container ({@link dev.condense.engine.codec.CzFormat},
 * {@link dev.condense.engine.codec.CzModel}).
 */
package dev.condense.engine.codec;
