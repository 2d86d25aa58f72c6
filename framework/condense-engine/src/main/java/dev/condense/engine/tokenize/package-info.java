/**
 * Text to token ids for transformer encoders: {@link dev.condense.engine.tokenize.PairTokenizer} runs a model's
 * HuggingFace {@code tokenizer.json} through DJL's tokenizers binding (its native library ships in the jar for
 * linux-x86_64 and needs no network) and lays sentence pairs out as BERT-style encoders expect them.
 */
package dev.condense.engine.tokenize;
