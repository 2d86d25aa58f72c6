package dev.condense.engine.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Data set {@code idx}: unsigned-byte IDX files in the {@code --data-dir} directory, images {@code [N, H, W]} (any
 * size, the same in train and test) and labels {@code [N]}. Each file is found under a short name, else under the
 * original MNIST name, each plain or {@code .gz}:
 * {@code train-images.idx | train-images-idx3-ubyte}, {@code train-labels.idx | train-labels-idx1-ubyte},
 * {@code test-images.idx | t10k-images-idx3-ubyte}, {@code test-labels.idx | t10k-labels-idx1-ubyte}.
 * Features are float32 {@code [N, 1, H, W]}, pixel / 255 in [0, 1]; no hash is required.
 */
public final class IdxDirectorySource extends DirectorySource {

    private static final Map<String, String> ORIGINAL = Map.of(
            "train-images.idx", MnistSource.TRAIN_IMAGES, "train-labels.idx", MnistSource.TRAIN_LABELS,
            "test-images.idx", MnistSource.TEST_IMAGES, "test-labels.idx", MnistSource.TEST_LABELS);

    public IdxDirectorySource() {
        super("idx");
    }

    @Override
    String layout() {
        return "train-images.idx, train-labels.idx, test-images.idx and test-labels.idx (or their MNIST names "
                + String.join(", ", List.of(MnistSource.TRAIN_IMAGES, MnistSource.TRAIN_LABELS, MnistSource.TEST_IMAGES,
                MnistSource.TEST_LABELS)) + "; plain or .gz)";
    }

    @Override
    LabelledArrays read(Path dir, boolean train) {
        String part = train ? "train" : "test";
        Path images = locate(dir, part + "-images.idx");
        Path labels = locate(dir, part + "-labels.idx");
        byte[] imageBytes = IdxReader.readBytes(images);
        byte[] labelBytes = IdxReader.readBytes(labels);
        IdxFile imageFile = IdxReader.parse(imageBytes, images.toString(), 3);
        IdxFile labelFile = IdxReader.parse(labelBytes, labels.toString(), 1);
        if (labelFile.rows() != imageFile.rows()) {
            throw new CorruptDataException(labels + ": " + labelFile.rows() + " labels but " + images + " has "
                    + imageFile.rows() + " images");
        }
        return new LabelledArrays(IdxReader.images(imageFile, null), IdxReader.labels(labelFile, null), labels.toString(),
                Map.of(images.getFileName().toString(), MnistFiles.sha256(imageBytes),
                        labels.getFileName().toString(), MnistFiles.sha256(labelBytes)));
    }

    private Path locate(Path dir, String shortName) {
        Optional<Path> file = MnistFiles.locate(dir, shortName).or(() -> MnistFiles.locate(dir, ORIGINAL.get(shortName)));
        return file.orElseThrow(() -> new DataUnavailableException(dir + " has neither " + shortName + " nor "
                + ORIGINAL.get(shortName) + " (plain or .gz); data set 'idx' needs " + layout()));
    }
}
