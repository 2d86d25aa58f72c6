package dev.condense.plugin.distill.stepbystep;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training-only rationale head of distilling step-by-step (Hsieh et al., ACL Findings 2023): a one-layer
 * transformer decoder over the student encoder's token states, teacher-forced, and its loss. Every weight it adds to
 * the graph is a SameDiff variable named {@value #PREFIX}{@code *}; none is a weight of the student's model graph,
 * so training updates them and the exported student does not contain them.
 *
 * <p>Shapes: token states {@code [N, L, D]}, attention mask {@code [N, L]} (1 token, 0 padding), rationale ids
 * {@code [N, T0]} (word pieces, 0 = padding), cut to {@code T = min(T0, length)}. Targets {@code y [N, T]}: each id's
 * class in the reduced vocabulary ({@link RationaleVocabulary}, K + 1 classes); decoder input: {@code y} shifted right
 * by one behind a BOS class K + 1 (teacher forcing). One layer, width d, one head, post-norm (normalization without
 * gain or bias): causal self-attention, cross-attention over the states projected {@code D -> d} (padding keys
 * masked), a ReLU feed-forward block of width 2d; then a linear map to K + 1 logits. The loss is the mean over the
 * rationale's non-padding positions of the cross-entropy with {@code y}, in nats per piece.
 *
 * <p>Tied ({@code embeddings} given: the student's token-embedding table {@code [V, D]}, its own variable), the head
 * reads and writes word pieces through the student's embeddings, as T5's decoder shares its encoder's (the paper's
 * student): a kept class's input vector is its piece's row of the table (UNK and BOS get learned rows), projected
 * {@code D -> d}; its output logit is the dot product of the decoder state, projected {@code d -> D}, with that row
 * (UNK's logit from a learned {@code d -> 1} map). The rationale loss then trains the student's embeddings of the
 * rationale pieces directly, not only through cross-attention. (The kept rows are read by {@code sd.gather}, whose
 * backward in ND4J 1.0.0-M2.1 fails to build; it trains because the engine registers its own gather backward with ND4J
 * before any loss is built.)
 *
 * <p>Copying ({@code tokens} given), the head is a pointer-generator: each piece is either generated from the
 * vocabulary or copied from the pair by attention over the student's token states ({@link #copying}).
 */
final class RationaleDecoder {
    /** Name prefix of the head's variables. */
    static final String PREFIX = "step-by-step/";
    private static final double MASKED = -1e9;

    private RationaleDecoder() {
    }

    /**
     * What the head reads of the student.
     *
     * @param states     token states {@code [N, L, D]}
     * @param width      D
     * @param mask       attention mask {@code [N, L]}, 1 token, 0 padding
     * @param embeddings the student's token-embedding table {@code [V', D]} to tie the head to, or null (untied)
     * @param tokens     the pair's word-piece ids {@code [N, L]} to copy from, or null (no copying)
     */
    record Student(SDVariable states, long width, SDVariable mask, SDVariable embeddings, SDVariable tokens) {
    }

    /**
     * Builds the head and returns its scalar loss.
     *
     * @param ids    the rationales' word-piece ids {@code [N, T0]}, 0 = padding
     * @param counts {@code [V]} word-piece counts of the training rationales (the reduced vocabulary's source)
     * @param p      the head's vocabulary K, length T, width d, tie and copy ({@code student} carries what they read)
     */
    static SDVariable loss(SameDiff sd, Student student, SDVariable ids, INDArray counts, StepByStepParams p) {
        SDVariable states = student.states();
        long dModel = student.width();
        SDVariable mask = student.mask();
        SDVariable embeddings = student.embeddings();
        int t = (int) Math.min(p.length(), ids.getShape()[1]);
        int width = p.width();
        int[] kept = RationaleVocabulary.kept(counts, p.vocabulary());
        int k = kept.length;
        if (k == 0) {
            throw new IllegalArgumentException("the training rows' rationales are all empty: no piece to generate");
        }
        if (embeddings != null && counts.length() > embeddings.getArr().size(0)) {
            throw new IllegalArgumentException("the rationales hold word-piece ids up to " + (counts.length() - 1)
                    + " and the token-embedding table has " + embeddings.getArr().size(0) + " rows: tie needs the"
                    + " rationales tokenized with the student's own vocabulary");
        }
        SDVariable cut = ids.get(SDIndex.all(), SDIndex.interval(0, t));
        SDVariable valid = sd.gt(cut, 0.0).castTo(DataType.FLOAT);
        // class of each word piece [V + 1, 1]; row V (UNK) is where the copy path puts ids past the vocabulary
        INDArray lookup = RationaleVocabulary.lookup(kept, counts.length());
        SDVariable table = sd.constant(PREFIX + "vocabulary", Nd4j.concat(0, lookup, Nd4j.createFromArray((float) k))
                .reshape(lookup.length() + 1, 1));
        SDVariable y = sd.gather(table, cut.castTo(DataType.INT32), 0).reshape(-1, t);
        SDVariable bos = cut.get(SDIndex.all(), SDIndex.interval(0, 1)).mul(0.0).add(k + 1.0);
        SDVariable in = t == 1 ? bos : sd.concat(1, bos, y.get(SDIndex.all(), SDIndex.interval(0, t - 1)));

        SDVariable rows = embeddings == null ? null
                : sd.gather(embeddings, sd.constant(PREFIX + "kept", Nd4j.createFromArray(kept)), 0);
        SDVariable oneHot = sd.oneHot(in.castTo(DataType.INT32), k + 2).castTo(DataType.FLOAT);
        // tied: the one-hot rows select from [kept rows; UNK; BOS] by a product (a gather's gradient needs a table of
        // static shape, which the concatenation has not)
        SDVariable h = embeddings == null ? linear(sd, oneHot, "embed", k + 2, width, false)
                : linear(sd, sd.reshape(sd.mmul(oneHot.reshape(-1, k + 2), sd.concat(0, rows, weight(sd, "extra", 2,
                        dModel))), sd.concat(0, sd.shape(in).castTo(DataType.INT64), sd.constant(Nd4j.createFromArray(
                        new long[] {dModel})))), "embed", dModel, width, false);
        h = h.add(weight(sd, "position", t, width));
        SDVariable causal = sd.constant(PREFIX + "causal", Nd4j.ones(DataType.FLOAT, t, t).muli(MASKED)
                .mul(Nd4j.ones(DataType.FLOAT, t, t).sub(lowerTriangle(t))));
        h = norm(sd, h.add(attend(sd, "self", h, h, width, causal)));
        SDVariable memory = linear(sd, states, "memory", dModel, width, false);
        SDVariable keyMask = sd.expandDims(mask.sub(1.0).mul(-MASKED), 1);
        h = norm(sd, h.add(attend(sd, "cross", h, memory, width, keyMask)));
        SDVariable ffn = linear(sd, sd.nn.relu(linear(sd, h, "ffn.in", width, 2L * width, true), 0),
                "ffn.out", 2L * width, width, true);
        h = norm(sd, h.add(ffn));

        SDVariable logits = embeddings == null ? linear(sd, h, "out", width, k + 1, true).reshape(-1, k + 1)
                : sd.concat(1, sd.mmul(linear(sd, h, "out", width, dModel, true).reshape(-1, dModel), rows, false, true,
                        false), linear(sd, h, "unk", width, 1, true).reshape(-1, 1));
        SDVariable target = sd.oneHot(y.reshape(-1).castTo(DataType.INT32), k + 1).castTo(DataType.FLOAT);
        SDVariable nll;
        if (student.tokens() == null) {
            nll = sd.math.neg(sd.sum(target.mul(sd.nn.logSoftmax(logits)), 1));
        } else {
            SDVariable mixed = copying(sd, h, memory, keyMask, student.tokens(), table, k, width,
                    sd.nn.softmax(logits).reshape(-1, t, k + 1));
            nll = sd.math.neg(sd.math.log(sd.sum(target.mul(mixed.reshape(-1, k + 1)), 1).add(1e-9)));
        }
        SDVariable w = valid.reshape(-1);
        return sd.sum(nll.mul(w)).div(sd.math.max(sd.sum(w), sd.constant(Nd4j.scalar(1f))));
    }

    /**
     * The pointer-generator's output distribution (See, Liu, Manning: Get To The Point, ACL 2017) {@code [N, T, K + 1]}:
     * {@code g * vocabulary + (1 - g) * copy}, where the gate {@code g = sigmoid(w . h + b)} [N, T, 1] and the copy
     * distribution is a further attention of the decoder states {@code h} over the student's token states, its weight
     * on each input token moved to that token's class (pieces outside the kept vocabulary, special tokens included,
     * to UNK). Copying is how most of an e-SNLI explanation's words are written (58% of the dev explanations' words
     * occur in the pair), and it trains the student's token states to point at them.
     *
     * @param table      {@code [V + 1, 1]} class of each word piece ({@link RationaleVocabulary#lookup}), row V = K
     *                   (UNK); input ids {@code >= V} are clipped to it
     * @param k          K, the kept pieces; class K is UNK
     * @param vocabulary the head's softmax over its K + 1 classes {@code [N, T, K + 1]}
     */
    private static SDVariable copying(SameDiff sd, SDVariable h, SDVariable memory, SDVariable keyMask,
                                      SDVariable tokens, SDVariable table, int k, int width, SDVariable vocabulary) {
        long v = table.getShape()[0] - 1;
        SDVariable index = sd.math.clipByValue(tokens.castTo(DataType.FLOAT), 0, v).castTo(DataType.INT32);
        SDVariable classes = sd.oneHot(sd.gather(table, index, 0).reshape(sd.shape(index)).castTo(DataType.INT32),
                k + 1).castTo(DataType.FLOAT);
        SDVariable query = linear(sd, h, "copy.q", width, width, false);
        SDVariable key = linear(sd, memory, "copy.k", width, width, false);
        SDVariable weights = sd.nn.softmax(sd.mmul(query, sd.permute(key, 0, 2, 1)).mul(1.0 / Math.sqrt(width))
                .add(keyMask));
        SDVariable gate = sd.nn.sigmoid(linear(sd, h, "copy.gate", width, 1, true));
        return gate.mul(vocabulary).add(gate.rsub(1.0).mul(sd.mmul(weights, classes)));
    }

    /** Single-head scaled dot-product attention of queries from {@code q} [N, tq, d] over {@code kv} [N, tk, d]. */
    private static SDVariable attend(SameDiff sd, String name, SDVariable q, SDVariable kv, int d, SDVariable bias) {
        SDVariable query = linear(sd, q, name + ".q", d, d, false);
        SDVariable key = linear(sd, kv, name + ".k", d, d, false);
        SDVariable value = linear(sd, kv, name + ".v", d, d, false);
        SDVariable scores = sd.mmul(query, sd.permute(key, 0, 2, 1)).mul(1.0 / Math.sqrt(d)).add(bias);
        return linear(sd, sd.mmul(sd.nn.softmax(scores), value), name + ".o", d, d, false);
    }

    /** {@code x [N, rows, in] -> [N, rows, out]}: one new weight {@code [in, out]} (and bias), Xavier-scaled. */
    private static SDVariable linear(SameDiff sd, SDVariable x, String name, long in, long out, boolean bias) {
        SDVariable y = sd.mmul(x.reshape(-1, in), weight(sd, name, in, out));
        if (bias) {
            y = y.add(sd.var(PREFIX + name + ".b", Nd4j.zeros(DataType.FLOAT, out)));
        }
        SDVariable lead = sd.shape(x).castTo(DataType.INT64).get(SDIndex.interval(0, 2));
        return sd.reshape(y, sd.concat(0, lead, sd.constant(Nd4j.createFromArray(new long[] {out}))));
    }

    private static SDVariable weight(SameDiff sd, String name, long in, long out) {
        return sd.var(PREFIX + name, Nd4j.randn(DataType.FLOAT, in, out).muli(Math.sqrt(1.0 / in)));
    }

    /** Normalizes the last axis to mean 0, variance 1 (epsilon 1e-5). */
    private static SDVariable norm(SameDiff sd, SDVariable x) {
        SDVariable c = x.sub(sd.mean(x, true, 2));
        return c.div(sd.math.sqrt(sd.mean(c.mul(c), true, 2).add(1e-5)));
    }

    private static INDArray lowerTriangle(long t) {
        float[][] m = new float[(int) t][(int) t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j <= i; j++) {
                m[i][j] = 1;
            }
        }
        return Nd4j.createFromArray(m);
    }
}
