package dev.condense.engine.data;

import dev.condense.api.data.DataSplit;
import dev.condense.api.data.Dataset;
import dev.condense.engine.io.InputFiles;
import dev.condense.engine.text.Quote;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A generic data set read from the directory given with {@code --data-dir} ({@link DataOptions#dataDir()}), in a
 * fixed file layout per format (see docs/recipes.md). Subclasses read one split's files whole; this class checks
 * them (same feature shape in train and test, labels integers >= 0), counts the classes as {@code max label + 1}
 * (at least 2) and cuts the splits with {@link SplitPlan}, gathering only the chosen rows.
 * {@link Dataset#sha256()} is the SHA-256 of the lines {@code "<file> <sha256>\n"} of the files read, in name order.
 */
abstract class DirectorySource implements DataSource {

    private final String id;

    DirectorySource(String id) {
        this.id = Objects.requireNonNull(id, "id");
    }

    @Override
    public final String id() {
        return id;
    }

    /** The files this format expects in the data directory, for messages, e.g. {@code "train.csv and test.csv"}. */
    abstract String layout();

    /** Reads the training ({@code train} true) or test files of {@code dir} whole. */
    abstract LabelledArrays read(Path dir, boolean train);

    @Override
    public final Dataset load(DataOptions options) {
        Path dir = options.dataDir();
        Optional<String> problem = dir == null ? Optional.of("was not given")
                : InputFiles.directoryProblem(dir);
        if (problem.isPresent()) {
            throw new DataUnavailableException("data set '" + id + "' is read from the directory given with --data-dir DIR, "
                    + "which must hold " + layout() + (dir == null ? "; no --data-dir was given"
                    : "; " + Quote.path(dir) + " " + problem.get()));
        }
        LabelledArrays train = read(dir, true);
        LabelledArrays test = read(dir, false);
        long[] trainShape = Arrays.copyOfRange(train.features().shape(), 1, train.features().rank());
        long[] testShape = Arrays.copyOfRange(test.features().shape(), 1, test.features().rank());
        if (!Arrays.equals(trainShape, testShape)) {
            throw new CorruptDataException(dir + ": test rows have shape " + Arrays.toString(testShape)
                    + " but training rows " + Arrays.toString(trainShape));
        }
        int classes = Math.max(checkLabels(train), checkLabels(test)) + 1;
        if (classes < 2) {
            throw new CorruptDataException(train.labelSource() + ": every label is 0; a classification data set needs at least 2 classes");
        }
        SplitPlan plan = SplitPlan.of(train.rows(), test.rows(), options);
        DataSplit validation = plan.validation().length == 0 ? null : split(train, plan.validation());
        Map<String, String> hashes = new TreeMap<>(train.sha256ByFile());
        hashes.putAll(test.sha256ByFile());
        return new Dataset(id, split(train, plan.train()), validation, split(test, plan.test()), classes,
                MnistFiles.combinedHash(hashes));
    }

    private static DataSplit split(LabelledArrays a, int[] rows) {
        return new DataSplit(Rows.take(a.features(), rows), Rows.take(a.labels(), rows));
    }

    /** @return the largest label; @throws CorruptDataException for a negative or fractional label */
    private static int checkLabels(LabelledArrays a) {
        INDArray y = a.labels();
        if (y.length() == 0) {
            return 0;
        }
        if (y.minNumber().doubleValue() < 0) {
            throw new CorruptDataException(a.labelSource() + ": label " + y.minNumber() + " is negative; labels are class indices 0, 1, ...");
        }
        INDArray fractional = Transforms.floor(y, true).neq(y);
        if (fractional.any()) {
            long at = fractional.castTo(org.nd4j.linalg.api.buffer.DataType.INT32).argMax().getLong(0);
            throw new CorruptDataException(a.labelSource() + ": label " + y.getDouble(at) + " of row " + at
                    + " is not an integer; labels are class indices 0, 1, ...");
        }
        return (int) y.maxNumber().doubleValue();
    }
}
