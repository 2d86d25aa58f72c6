package dev.condense.engine.data;

import dev.condense.engine.io.InputFiles;
import java.nio.file.Path;
import java.util.Map;

/**
 * Data set {@code npy}: {@code x_train.npy}, {@code y_train.npy}, {@code x_test.npy} and {@code y_test.npy} in the
 * {@code --data-dir} directory. {@code x}: float32, taken as is, or uint8, divided by 255 (image pixels to [0, 1]);
 * shape {@code [N, ...]} (e.g. {@code [N, 1, 28, 28]} for the zoo models). {@code y}: uint8, int32, int64 or
 * float32 class indices, shape {@code [N]} or {@code [N, 1]}.
 */
public final class NpySource extends DirectorySource {

    public NpySource() {
        super("npy");
    }

    @Override
    String layout() {
        return "x_train.npy, y_train.npy, x_test.npy and y_test.npy (x float32 or uint8 [N, ...], y integer class indices [N])";
    }

    @Override
    LabelledArrays read(Path dir, boolean train) {
        Path xFile = file(dir, train ? "x_train.npy" : "x_test.npy");
        Path yFile = file(dir, train ? "y_train.npy" : "y_test.npy");
        NpyReader.Npy x = NpyReader.read(xFile);
        NpyReader.Npy y = NpyReader.read(yFile);
        if (!x.descr().equals("<f4") && !x.descr().endsWith("u1")) {
            throw new CorruptDataException(xFile + ": features must be float32 (<f4) or uint8 (|u1), found " + x.descr());
        }
        var features = x.descr().endsWith("u1") ? x.array().divi(255.0f) : x.array();
        var labels = y.array();
        if (labels.rank() == 2 && labels.size(1) == 1) {
            labels = labels.reshape(labels.size(0));
        }
        if (labels.rank() != 1) {
            throw new CorruptDataException(yFile + ": labels must have shape [N] or [N, 1], found "
                    + java.util.Arrays.toString(labels.shape()));
        }
        return new LabelledArrays(features, labels, yFile.toString(), Map.of(
                xFile.getFileName().toString(), MnistFiles.sha256(x.content()),
                yFile.getFileName().toString(), MnistFiles.sha256(y.content())));
    }

    private Path file(Path dir, String name) {
        Path file = dir.resolve(name);
        InputFiles.fileProblem(file).ifPresent(problem -> {
            throw new DataUnavailableException(dir + (problem.equals("not found") ? " has no " + name
                    : ": " + name + " " + problem) + "; data set 'npy' needs " + layout());
        });
        return file;
    }
}
