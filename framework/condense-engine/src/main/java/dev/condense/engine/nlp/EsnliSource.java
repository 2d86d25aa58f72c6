package dev.condense.engine.nlp;

import dev.condense.api.data.DataSplit;
import dev.condense.api.data.Dataset;
import dev.condense.engine.data.CorruptDataException;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.DataSource;
import dev.condense.engine.data.DataUnavailableException;
import dev.condense.engine.data.EsnliFiles;
import dev.condense.engine.data.PairEncoding;
import dev.condense.engine.data.PairSplits;
import dev.condense.engine.data.SentencePair;
import dev.condense.engine.text.Quote;
import dev.condense.engine.tokenize.PairTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Data set {@code esnli}: e-SNLI's sentence pairs (Camburu et al., NeurIPS 2018; SNLI, Bowman et al. 2015) labelled
 * entailment / neutral / contradiction (classes 0, 1, 2), read by {@link EsnliFiles} from {@code --data-dir} or the
 * shared {@code datasets/esnli} directory ({@link EsnliFiles#locate}). The dev and test files are pooled (19,666
 * pairs) and cut by {@link PairSplits} with the options' seed: the validation fraction asked for, {@value #TEST}
 * for test, the rest train (validation 0.1, seed 7: 13,766 / 1,967 / 3,933 rows). {@code train-limit} keeps the
 * first training rows, {@code test-limit} the first validation and test rows.
 *
 * <p>Rows become the packed encoder inputs {@code [N, 3, L]} ({@link PackedInputs}) by the model's tokenizer at
 * its sequence length ({@link PairEncoding}); a pair needing more than {@code L} tokens is a
 * {@link CorruptDataException} naming its file and line, or is left out when the encoding says so (the split
 * sizes then fall short of the cut's). Every problem (file, encoding, label, length) surfaces before a row is
 * returned. {@link Dataset#sha256()}: SHA-256 of the lines {@code "<file> <sha256>\n"} of the files read, by name.
 */
public final class EsnliSource implements DataSource {
    /** Fraction of the pool held out as test rows. */
    public static final double TEST = 0.2;
    /**
     * Word pieces kept of each row's rationale ({@link DataSplit#rationales()}): the first human explanation
     * ({@code preproc1_expl_1}), or all three with {@code data.rationales: all}, at most this many pieces (longer
     * ones are cut).
     */
    public static final int RATIONALE_PIECES = 32;

    @Override
    public String id() {
        return "esnli";
    }

    @Override
    public Dataset load(DataOptions options) {
        PairEncoding text = options.text();
        if (text == null) {
            throw new DataUnavailableException("data set esnli holds sentence pairs: it needs a text model (model:"
                    + " {encoder: ...}) whose tokenizer and sequence length turn pairs into inputs");
        }
        Path dir = options.dataDir() != null ? options.dataDir() : EsnliFiles.locate(Path.of("")).orElseThrow(() ->
                new DataUnavailableException("data set esnli: no directory shared/datasets/esnli above "
                        + Quote.path(Path.of("").toAbsolutePath()) + "; give it with --data-dir or -D"
                        + EsnliFiles.DIR_PROPERTY));
        List<SentencePair> pool = new ArrayList<>(EsnliFiles.read(dir, "dev"));
        pool.addAll(EsnliFiles.read(dir, "test"));
        PairSplits splits = PairSplits.of(pool, options.validation(), TEST, options.seed());
        try (PairTokenizer tokenizer = PairTokenizer.open(text.tokenizer(), text.sequenceLength())) {
            DataSplit train = split(tokenizer, dir, limit(splits.train(), options.trainLimit()), text);
            DataSplit validation = splits.validation().isEmpty() ? null
                    : split(tokenizer, dir, limit(splits.validation(), options.testLimit()), text);
            DataSplit test = split(tokenizer, dir, limit(splits.test(), options.testLimit()), text);
            return new Dataset(id(), train, validation, test, EsnliFiles.LABELS.size(), sha256(dir));
        }
    }

    private static List<SentencePair> limit(List<SentencePair> rows, int limit) {
        return limit > 0 && limit < rows.size() ? rows.subList(0, limit) : rows;
    }

    /** The rows as packed inputs and float labels; long pairs refused by row or left out. */
    static DataSplit split(PairTokenizer tokenizer, Path dir, List<SentencePair> rows, PairEncoding text) {
        List<String> premises = rows.stream().map(SentencePair::premise).toList();
        List<String> hypotheses = rows.stream().map(SentencePair::hypothesis).toList();
        int[] lengths = tokenizer.lengths(premises, hypotheses);
        int length = text.sequenceLength();
        int[] kept = IntStream.range(0, rows.size()).filter(i -> lengths[i] <= length).toArray();
        if (kept.length < rows.size() && !text.skipLongPairs()) {
            int i = IntStream.range(0, rows.size()).filter(k -> lengths[k] > length).findFirst().orElseThrow();
            throw new CorruptDataException(Quote.path(dir) + "/" + rows.get(i).source() + ": the pair needs "
                    + lengths[i] + " tokens, more than the sequence length " + length + " (" + (rows.size() - kept.length)
                    + " of these " + rows.size() + " rows are longer); raise model.encoder.sequence-length (at most "
                    + PairTokenizer.MAX_LENGTH + ") or set data.long-pairs: skip to leave such pairs out");
        }
        List<SentencePair> used = IntStream.of(kept).mapToObj(rows::get).toList();
        PairTokenizer.EncodedPairs x = tokenizer.encode(used.stream().map(SentencePair::premise).toList(),
                used.stream().map(SentencePair::hypothesis).toList(), i -> Quote.path(dir) + "/" + used.get(i).source());
        double[] labels = used.stream().mapToDouble(SentencePair::label).toArray();
        return new DataSplit(PackedInputs.features(List.of(x.inputIds(), x.attentionMask(), x.tokenTypeIds())),
                Nd4j.createFromArray(labels).castTo(DataType.FLOAT).reshape(labels.length),
                text.allRationales() ? allRationales(tokenizer, used) : rationales(tokenizer, used, 0));
    }

    /** Explanation {@code k} of each row (empty when a row has fewer) as word pieces {@code [N, T]}. */
    private static INDArray rationales(PairTokenizer tokenizer, List<SentencePair> rows, int k) {
        return tokenizer.pieces(rows.stream().map(p -> k < p.explanations().size() ? p.explanations().get(k) : "")
                .toList(), RATIONALE_PIECES);
    }

    /** Every explanation of each row as word pieces {@code [N, K, T]}, K the most any row has (at least 1). */
    private static INDArray allRationales(PairTokenizer tokenizer, List<SentencePair> rows) {
        int k = Math.max(1, rows.stream().mapToInt(p -> p.explanations().size()).max().orElse(1));
        INDArray[] each = new INDArray[k];
        for (int i = 0; i < k; i++) {
            each[i] = rationales(tokenizer, rows, i);
        }
        return Nd4j.stack(1, each);
    }

    private static String sha256(Path dir) {
        try {
            Map<String, String> sums = new TreeMap<>();
            for (String split : EsnliFiles.SPLITS) {
                for (String name : List.of("s1", "s2", "labels", "preproc1_expl_1", "preproc1_expl_2", "preproc1_expl_3")) {
                    Path f = dir.resolve(name + "." + split);
                    sums.put(f.getFileName().toString(), HexFormat.of().formatHex(digest().digest(Files.readAllBytes(f))));
                }
            }
            StringBuilder lines = new StringBuilder();
            sums.forEach((k, v) -> lines.append(k).append(' ').append(v).append('\n'));
            return HexFormat.of().formatHex(digest().digest(lines.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read e-SNLI files in " + dir, e);
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
