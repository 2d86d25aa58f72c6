package dev.condense.engine.data;

import dev.condense.engine.io.InputFiles;
import java.nio.file.Path;

/**
 * Data set {@code csv}: {@code train.csv} and {@code test.csv} in the {@code --data-dir} directory, read by
 * {@link CsvReader} (label column plus feature columns, header optional). Features are float32 {@code [N, F]}.
 */
public final class CsvSource extends DirectorySource {

    public CsvSource() {
        super("csv");
    }

    @Override
    String layout() {
        return "train.csv and test.csv (a label column, first or headed 'label', then numeric feature columns; header optional)";
    }

    @Override
    LabelledArrays read(Path dir, boolean train) {
        Path file = dir.resolve(train ? "train.csv" : "test.csv");
        InputFiles.fileProblem(file).ifPresent(problem -> {
            throw new DataUnavailableException(dir + (problem.equals("not found") ? " has no " + file.getFileName()
                    : ": " + file.getFileName() + " " + problem) + "; data set 'csv' needs " + layout());
        });
        return CsvReader.read(file);
    }
}
