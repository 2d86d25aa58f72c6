package dev.condense.engine.train;

import dev.condense.api.loss.RationaleKeys;
import dev.condense.api.model.ModelGraph;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Feeds a loss that reads rationales ({@code LossFunction#rationales()}, distilling step-by-step) the keys of
 * {@link RationaleKeys}: the student's token states and attention mask (its own variables, named by the caller),
 * each batch's rationale word-piece ids {@code [B, T]} (a placeholder filled from the training split's rationales by
 * the batch's row ids), the word-piece counts over all training rationales {@code [V]} (a constant) and, when the
 * model has them, its token-embedding table ({@link #tokenEmbeddings}) and its word-piece id input.
 *
 * <p>Rows with K explanations ({@code [N, K, T]}, {@code data.rationales: all}) get one of them at each step, drawn
 * uniformly among the row's non-empty ones from a generator seeded with (seed, epoch, batch), so a run is
 * reproducible and every explanation is a target about equally often.
 */
public final class RationaleFeed implements TrainingHook {
    private final INDArray rationales;
    private final int[] choices;
    private final String states;
    private final String mask;
    private final String tokens;
    private final long seed;

    /**
     * @param rationales the training split's rationales {@code [N, T]} or {@code [N, K, T]}, float word-piece ids,
     *                   0 = padding
     * @param states     the student's token-state tensor {@code [N, L, D]}
     * @param mask       the student's float attention-mask tensor {@code [N, L]}
     * @param tokens     the student's word-piece id tensor {@code [N, L]} ({@link RationaleKeys#TOKENS}), or null
     * @param seed       seed of the per-step draws among a row's K explanations (unused when K = 1)
     */
    public RationaleFeed(INDArray rationales, String states, String mask, String tokens, long seed) {
        Objects.requireNonNull(rationales, "rationales");
        this.states = Objects.requireNonNull(states, "states");
        this.mask = Objects.requireNonNull(mask, "mask");
        this.tokens = tokens;
        this.seed = seed;
        if (rationales.rank() == 2) {
            this.rationales = rationales;
            this.choices = null;
        } else if (rationales.rank() == 3) {
            long n = rationales.size(0);
            long k = rationales.size(1);
            this.rationales = rationales.reshape('c', n * k, rationales.size(2));
            if (k > 31) {
                throw new IllegalArgumentException("at most 31 rationales a row, were " + k);
            }
            this.choices = new int[Math.toIntExact(n)];
            // rows' non-empty explanations as a bit set each (K <= 31): the draw picks among them
            INDArray nonEmpty = rationales.gt(0).castTo(org.nd4j.linalg.api.buffer.DataType.INT32).max(2);
            int[] flags = nonEmpty.reshape(n * k).toIntVector();
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < k; j++) {
                    choices[r] |= flags[(int) (r * k + j)] << j;
                }
            }
        } else {
            throw new IllegalArgumentException("rationales must be [N, T] or [N, K, T], were "
                    + java.util.Arrays.toString(rationales.shape()));
        }
    }

    /** A feed of one rationale a row ({@code [N, T]}), without the pair's word-piece ids. */
    public RationaleFeed(INDArray rationales, String states, String mask) {
        this(rationales, states, mask, null, 0L);
    }

    @Override
    public void build(GraphBuild build) {
        build.feature(RationaleKeys.STATES, build.tensor(states));
        build.feature(RationaleKeys.MASK, build.tensor(mask));
        if (tokens != null) {
            build.feature(RationaleKeys.TOKENS, build.tensor(tokens));
        }
        SDVariable ids = build.sd().placeHolder(RationaleKeys.IDS, DataType.FLOAT, -1, rationales.size(1));
        build.feature(RationaleKeys.IDS, ids);
        long[] shape = dev.condense.engine.graph.ShapeInference.infer(build.graph()).get(states);
        if (shape == null || shape.length != 3 || shape[2] < 1) {
            throw new IllegalArgumentException("rationale losses read token states [N, L, D]; tensor '" + states
                    + "' has shape " + java.util.Arrays.toString(shape));
        }
        build.feature(RationaleKeys.WIDTH, build.sd().constant(RationaleKeys.WIDTH, Nd4j.createFromArray(new float[] {shape[2]})));
        build.feature(RationaleKeys.COUNTS, build.sd().constant(RationaleKeys.COUNTS, counts(rationales)));
        tokenEmbeddings(build.graph(), shape[2]).ifPresent(e -> build.feature(RationaleKeys.EMBEDDINGS, build.weight(e)));
    }

    /**
     * The text model's token-embedding table: of the float {@code [V, width]} weights a {@code Gather} on axis 0
     * reads as its data, the one with the most rows (a BERT-style encoder's word embeddings; its position and
     * token-type tables are smaller). Empty when there is none or it is not trained.
     */
    static Optional<String> tokenEmbeddings(ModelGraph graph, long width) {
        Set<String> trainable = SameDiffLowering.trainableInitializers(graph);
        return graph.nodes().stream()
                .filter(n -> n.opType().equals("Gather") && n.intAttr("axis", 0) == 0 && trainable.contains(n.inputs().get(0)))
                .map(n -> n.inputs().get(0)).distinct()
                .filter(w -> graph.initializers().get(w).rank() == 2 && graph.initializers().get(w).size(1) == width)
                .max(Comparator.<String>comparingLong(w -> graph.initializers().get(w).size(0)).thenComparing(w -> w));
    }

    @Override
    public void beforeStep(StepState step) {
        step.feed(RationaleKeys.IDS, Nd4j.pullRows(rationales, 1, choices == null ? step.rows()
                : drawn(step.rows(), new java.util.SplittableRandom(seed * 1_000_003L + step.epoch() * 10_007L + step.batch()))));
    }

    /** Rows of the flattened {@code [N * K, T]} rationales: one of each row's non-empty explanations (the first if none). */
    private int[] drawn(int[] rows, java.util.SplittableRandom random) {
        int k = Math.toIntExact(rationales.size(0) / choices.length);
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int set = choices[rows[i]];
            int pick = 0;
            if (set != 0) {
                int nth = random.nextInt(Integer.bitCount(set));
                for (int j = 0; j < k; j++) {
                    if ((set >> j & 1) == 1 && nth-- == 0) {
                        pick = j;
                        break;
                    }
                }
            }
            out[i] = rows[i] * k + pick;
        }
        return out;
    }

    /** How often each id in {@code [1, V)} occurs in {@code ids}; float {@code [V]}, V = the largest id + 1, entry 0 = 0. */
    static INDArray counts(INDArray ids) {
        int v = Math.max(1, ids.maxNumber().intValue() + 1);
        float[] c = new float[v];
        for (float id : ids.dup().data().asFloat()) {
            if (id > 0) {
                c[(int) id]++;
            }
        }
        return Nd4j.createFromArray(c);
    }
}
