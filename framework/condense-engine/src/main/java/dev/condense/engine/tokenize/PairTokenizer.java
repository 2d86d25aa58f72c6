package dev.condense.engine.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.condense.engine.io.InputFiles;
import dev.condense.engine.text.Quote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sentence pairs to the three int64 inputs of a BERT-style encoder ({@code input_ids}, {@code attention_mask},
 * {@code token_type_ids}, each {@code [N, L]}), from the model's HuggingFace {@code tokenizer.json} through DJL.
 *
 * <p>Layout (BERT, Devlin et al. 2019): {@code [CLS] premise [SEP] hypothesis [SEP]}, token type 0 up to and
 * including the first {@code [SEP]}, 1 after it; the mask is 1 on real tokens; positions past the pair are padded
 * with the tokenizer's pad id (0 for MiniLM), mask 0 and type 0. Pairs are never truncated: a pair needing more than
 * {@code L} tokens is an {@link IllegalArgumentException} naming it (the caller's {@code where} for row {@code i}),
 * since a cut premise or hypothesis can change the label.
 */
public final class PairTokenizer implements AutoCloseable {
    /** Most tokens a sequence may have: BERT-style position tables hold 512. */
    public static final int MAX_LENGTH = 512;

    private final HuggingFaceTokenizer tokenizer;
    private final int length;

    private PairTokenizer(HuggingFaceTokenizer tokenizer, int length) {
        this.tokenizer = tokenizer;
        this.length = length;
    }

    /**
     * A tokenizer reading {@code tokenizerJson}, laying pairs out over {@code length} positions.
     *
     * @param length the model's sequence length {@code L}, in [4, {@link #MAX_LENGTH}]
     */
    public static PairTokenizer open(Path tokenizerJson, int length) {
        if (length < 4 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("sequence length must be in [4, " + MAX_LENGTH + "], was " + length);
        }
        InputFiles.fileProblem(tokenizerJson).ifPresent(p -> {
            throw new IllegalArgumentException("tokenizer " + Quote.path(tokenizerJson) + " " + p);
        });
        try {
            return new PairTokenizer(HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(true).optTruncation(false).optPadding(false).build(), length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + tokenizerJson, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("tokenizer " + Quote.path(tokenizerJson) + " is not a HuggingFace "
                    + "tokenizer.json: " + Quote.message(String.valueOf(e.getMessage())), e);
        }
    }

    /** The sequence length {@code L} pairs are laid out over. */
    public int length() {
        return length;
    }

    /**
     * The encoder inputs of {@code premises[i], hypotheses[i]}.
     *
     * @param where the location of pair {@code i} for messages, e.g. {@code s1.dev:17}
     */
    public EncodedPairs encode(List<String> premises, List<String> hypotheses, IntFunction<String> where) {
        if (premises.size() != hypotheses.size()) {
            throw new IllegalArgumentException(premises.size() + " premises but " + hypotheses.size() + " hypotheses");
        }
        int n = premises.size();
        long[][] ids = new long[n][length];
        long[][] mask = new long[n][length];
        long[][] types = new long[n][length];
        for (int i = 0; i < n; i++) {
            Encoding e = tokenizer.encode(premises.get(i), hypotheses.get(i));
            long[] tokens = e.getIds();
            if (tokens.length > length) {
                throw new IllegalArgumentException(where.apply(i) + ": the pair needs " + tokens.length
                        + " tokens, more than the sequence length " + length + "; raise the sequence length (at most "
                        + MAX_LENGTH + ") or shorten the pair");
            }
            System.arraycopy(tokens, 0, ids[i], 0, tokens.length);
            System.arraycopy(e.getAttentionMask(), 0, mask[i], 0, tokens.length);
            System.arraycopy(e.getTypeIds(), 0, types[i], 0, tokens.length);
        }
        return new EncodedPairs(Nd4j.createFromArray(ids), Nd4j.createFromArray(mask), Nd4j.createFromArray(types));
    }

    /**
     * The word pieces of single texts, without special tokens, as float ids {@code [N, max]}: a text's first
     * {@code max} pieces, then 0 (the pad id). For rationales ({@code DataSplit#rationales}).
     */
    public INDArray pieces(List<String> texts, int max) {
        float[][] out = new float[texts.size()][max];
        for (int i = 0; i < out.length; i++) {
            Encoding e = tokenizer.encode(texts.get(i));
            long[] ids = e.getIds();
            long[] special = e.getSpecialTokenMask();
            int k = 0;
            for (int j = 0; j < ids.length && k < max; j++) {
                if (special[j] == 0) {
                    out[i][k++] = ids[j];
                }
            }
        }
        return Nd4j.createFromArray(out);
    }

    /** Tokens each pair needs ({@code [CLS]} and both {@code [SEP]}s included), whatever the sequence length. */
    public int[] lengths(List<String> premises, List<String> hypotheses) {
        if (premises.size() != hypotheses.size()) {
            throw new IllegalArgumentException(premises.size() + " premises but " + hypotheses.size() + " hypotheses");
        }
        int[] out = new int[premises.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = tokenizer.encode(premises.get(i), hypotheses.get(i)).getIds().length;
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /**
     * Encoder inputs, int64 {@code [N, L]} each.
     *
     * @param inputIds      token ids, the pad id (0) past the pair
     * @param attentionMask 1 on the pair's tokens, 0 on padding
     * @param tokenTypeIds  0 for {@code [CLS]}, the premise and its {@code [SEP]}; 1 for the hypothesis and its {@code [SEP]}
     */
    public record EncodedPairs(INDArray inputIds, INDArray attentionMask, INDArray tokenTypeIds) {

        /** The inputs by the names BERT-style ONNX exports give them. */
        public java.util.Map<String, INDArray> byName() {
            return java.util.Map.of("input_ids", inputIds, "attention_mask", attentionMask,
                    "token_type_ids", tokenTypeIds);
        }

        /** Rows {@code [from, to)}. */
        public EncodedPairs rows(long from, long to) {
            var r = org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to);
            var all = org.nd4j.linalg.indexing.NDArrayIndex.all();
            return new EncodedPairs(inputIds.get(r, all).dup(), attentionMask.get(r, all).dup(),
                    tokenTypeIds.get(r, all).dup());
        }
    }
}
