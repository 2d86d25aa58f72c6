/**
 * Text models on top of an imported transformer encoder: {@link dev.condense.engine.nlp.MeanPooling} (the
 * sentence-transformers pooling as IR nodes), {@link dev.condense.engine.nlp.PairClassifier} (a classification head
 * trained on pooled features and attached to the encoder, so the exported teacher maps token ids to logits) and
 * {@link dev.condense.engine.nlp.EncoderFeatures} (pooled features computed in ONNX Runtime).
 */
package dev.condense.engine.nlp;
