import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.LrSchedule;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainResult;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.data.EsnliFiles;
import dev.condense.engine.data.PairSplits;
import dev.condense.engine.data.SentencePair;
import dev.condense.engine.nlp.EncoderFeatures;
import dev.condense.engine.nlp.MeanPooling;
import dev.condense.engine.nlp.PackedInputs;
import dev.condense.engine.nlp.PairClassifier;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.tokenize.PairTokenizer;
import dev.condense.engine.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The fine-tuned e-SNLI teacher (issue 18): all-MiniLM-L6-v2 imported at sequence length L, masked mean pooling and a
 * linear 384 -> 3 head, the whole encoder trained by the engine's {@link Trainer} through {@link PackedInputs}
 * (input_ids, attention_mask, token_type_ids packed into one float input). Training rows: the e-SNLI training split
 * (seed 7, {@link PairSplits#esnli}) pairs of at most L tokens (the longer ones are left out and counted). Evaluation:
 * every validation (and with {@code test}, test) row in ONNX Runtime, each by the trained weights in the encoder
 * imported at the shortest of 32/48/64/96/128 tokens that holds the pair (padded keys get softmax weight 0 and pooling
 * skips padding, so the length does not change the logits beyond float rounding).
 *
 * <p>Args: MODEL_DIR OUT L EPOCHS LR SEED LIMIT EVAL [BATCH]: Adam at LR, cosine to 0, batch BATCH (default 32),
 * LIMIT training rows per epoch (0: all), EVAL one of {@code none}, {@code validation}, {@code test}. Writes
 * OUT/teacher-L64.onnx (the trained teacher at L = 64, token ids to logits) unless EVAL is none. With
 * {@code -Dcondense.plan.profile=true} (in BENCH_JAVA_OPTS) prints the planned steps' time per op.
 */
public class MiniLmFineTune {
    static final long[] BUCKETS = {32, 48, 64, 96, 128};

    public static void main(String[] a) throws Exception {
        Path modelDir = Path.of(a[0]);
        Path out = Path.of(a[1]);
        long length = Long.parseLong(a[2]);
        int epochs = Integer.parseInt(a[3]);
        double lr = Double.parseDouble(a[4]);
        long seed = Long.parseLong(a[5]);
        int limit = Integer.parseInt(a[6]);
        String eval = a[7];
        int batch = a.length > 8 ? Integer.parseInt(a[8]) : 32;
        Files.createDirectories(out);
        PairSplits splits = PairSplits.esnli(EsnliFiles.locate(Path.of("")).orElseThrow(), 0.1, 0.2, 7);
        System.out.println("e-SNLI: " + splits.describe());
        Path tokenizer = modelDir.resolve("all-minilm-l6-v2-tokenizer.json");
        PairTokenizer.EncodedPairs trainX = MiniLmTeacher.encode(tokenizer, splits.train());
        long[] tokens = trainX.attentionMask().sum(1).toLongVector();
        int[] kept = IntStream.range(0, tokens.length).filter(i -> tokens[i] <= length).toArray();
        System.out.printf("training rows of at most %d tokens: %d of %d%n", length, kept.length, tokens.length);
        ModelGraph original = teacher(modelDir, length, seed);
        ModelGraph packed = PackedInputs.pack(original);
        INDArray features = PackedInputs.features(List.of(cut(trainX.inputIds(), kept, length),
                cut(trainX.attentionMask(), kept, length), cut(trainX.tokenTypeIds(), kept, length)));
        INDArray labels = Nd4j.createFromArray(IntStream.of(kept).mapToDouble(i -> splits.train().get(i).label())
                .toArray()).castTo(DataType.FLOAT);
        TrainSpec spec = new TrainSpec(epochs, batch, OptimizerSpec.adam(lr), limit, LrSchedule.cosine(0));
        long cpu0 = MiniLmTeacher.cpu();
        long t0 = System.nanoTime();
        TrainResult r = Trainer.fit(packed, new DataSplit(features, labels), 3, spec, seed, Trainer.CROSS_ENTROPY,
                List.of());
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (MiniLmTeacher.cpu() - cpu0) / 1e9;
        int rows = (limit > 0 ? Math.min(limit, kept.length) : kept.length) * epochs;
        System.out.printf("L %d epochs %d lr %g seed %d batch %d: %d rows trained in %.1f s wall, %.1f s CPU of this "
                        + "JVM (%.2f rows/s wall, %.3f CPU s/row), last-epoch loss %.4f, load %s%n", length, epochs, lr,
                seed, batch, rows, wall, cpu, rows / wall, cpu / rows, r.finalLoss(), MiniLmTeacher.load());
        if (Boolean.getBoolean("condense.plan.profile")) {
            System.out.print(dev.condense.engine.train.PlanProfile.table());
        }
        if (eval.equals("none")) {
            return;
        }
        ModelGraph trained = PackedInputs.unpack(r.graph(), original);
        new OnnxExporter().write(PackedInputs.unpack(trained, teacher(modelDir, 64, seed)), out.resolve("teacher-L64.onnx"));
        System.out.printf("validation accuracy: %.4f (%d rows)%n", accuracy(modelDir, out, trained, tokenizer,
                splits.validation()), splits.validation().size());
        if (eval.equals("test")) {
            System.out.printf("test accuracy: %.4f (%d rows)%n", accuracy(modelDir, out, trained, tokenizer,
                    splits.test()), splits.test().size());
        }
        System.out.println("load " + MiniLmTeacher.load());
    }

    /** Encoder at {@code length} tokens, masked mean pooling, a fresh linear head: token ids to logits. */
    static ModelGraph teacher(Path modelDir, long length, long seed) {
        ModelGraph encoder = new OnnxImporter().withDimensions(Map.of("sequence_length", length))
                .read(modelDir.resolve("all-minilm-l6-v2.onnx"));
        return PairClassifier.attach(MeanPooling.append(encoder, "last_hidden_state", "attention_mask"),
                PairClassifier.head(384, 0, 3, seed));
    }

    /** Rows {@code rows} of {@code x}, first {@code length} columns. */
    static INDArray cut(INDArray x, int[] rows, long length) {
        return Nd4j.pullRows(x, 1, rows).get(NDArrayIndex.all(), NDArrayIndex.interval(0, length)).dup();
    }

    /** Accuracy of {@code trained}'s weights on {@code pairs}, each pair at the shortest bucket length holding it. */
    static double accuracy(Path modelDir, Path out, ModelGraph trained, Path tokenizer, List<SentencePair> pairs) {
        PairTokenizer.EncodedPairs x = MiniLmTeacher.encode(tokenizer, pairs);
        long[] tokens = x.attentionMask().sum(1).toLongVector();
        long correct = 0;
        long from = 0;
        for (long length : BUCKETS) {
            final long lo = from;
            int[] rows = IntStream.range(0, tokens.length).filter(i -> tokens[i] > lo && tokens[i] <= length).toArray();
            from = length;
            if (rows.length == 0) {
                continue;
            }
            Path file = out.resolve("eval-L" + length + ".onnx");
            new OnnxExporter().write(PackedInputs.unpack(trained, teacher(modelDir, length, 0)), file);
            PairTokenizer.EncodedPairs sub = new PairTokenizer.EncodedPairs(cut(x.inputIds(), rows, length),
                    cut(x.attentionMask(), rows, length), cut(x.tokenTypeIds(), rows, length));
            INDArray predicted = EncoderFeatures.compute(file, PairClassifier.LOGITS, sub, 64, 2).argMax(1);
            for (int k = 0; k < rows.length; k++) {
                if (predicted.getLong(k) == pairs.get(rows[k]).label()) {
                    correct++;
                }
            }
        }
        return (double) correct / pairs.size();
    }
}
