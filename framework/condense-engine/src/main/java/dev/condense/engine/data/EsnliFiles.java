package dev.condense.engine.data;

import dev.condense.engine.io.InputFiles;
import dev.condense.engine.text.Quote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads e-SNLI (Camburu et al., NeurIPS 2018; sentences from SNLI, Bowman et al. 2015) from the layout of its
 * repository's {@code dataset/eSNLI}: per split ({@code dev}, {@code test}) the line-aligned files {@code s1.<split>}
 * (premise), {@code s2.<split>} (hypothesis), {@code labels.<split>} and {@code preproc1_expl_{1,2,3}.<split>}.
 *
 * <p>Checked before any pair is returned: every file is a readable regular file whose SHA-256 matches
 * {@code SHA256SUMS} when the directory has one; strict UTF-8 ({@link TextLines}: file, line and byte named);
 * equal line counts; every label one of {@link #LABELS} (file and line named). Errors are
 * {@link CorruptDataException}s or {@link DataUnavailableException}s.
 */
public final class EsnliFiles {
    /** Label names in class-index order. */
    public static final List<String> LABELS = List.of("entailment", "neutral", "contradiction");
    /** The splits the published directory holds. */
    public static final List<String> SPLITS = List.of("dev", "test");
    /** Overrides the directory search ({@link #locate}). */
    public static final String DIR_PROPERTY = "condense.esnli.dir";

    private EsnliFiles() {
    }

    /**
     * The e-SNLI directory: the system property {@value #DIR_PROPERTY} when set, else the first
     * {@code <ancestor>/shared/datasets/esnli} walking up from {@code start} (a checkout has it at
     * {@code ../shared/datasets/esnli}, so this finds it from any directory inside the checkout).
     */
    public static Optional<Path> locate(Path start) {
        String set = System.getProperty(DIR_PROPERTY);
        if (set != null && !set.isBlank()) {
            return Optional.of(Path.of(set));
        }
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            Path dir = p.resolve("shared/datasets/esnli");
            if (Files.isDirectory(dir)) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** The pairs of {@code split} ({@code dev} or {@code test}) in file order. */
    public static List<SentencePair> read(Path dir, String split) {
        if (!SPLITS.contains(split)) {
            throw new IllegalArgumentException("e-SNLI split must be one of " + SPLITS + ", was '" + Quote.cut(split) + "'");
        }
        InputFiles.directoryProblem(dir).ifPresent(p -> {
            throw new DataUnavailableException("e-SNLI directory " + Quote.path(dir) + " " + p);
        });
        Map<String, String> sums = sums(dir);
        String[] names = {"s1", "s2", "labels", "preproc1_expl_1", "preproc1_expl_2", "preproc1_expl_3"};
        List<List<String>> columns = new ArrayList<>();
        for (String name : names) {
            Path file = dir.resolve(name + "." + split);
            InputFiles.fileProblem(file).ifPresent(p -> {
                throw new DataUnavailableException("e-SNLI file " + Quote.path(file) + " " + p);
            });
            checkSum(file, sums.get(file.getFileName().toString()));
            List<String> lines = TextLines.read(file);
            if (!columns.isEmpty() && lines.size() != columns.get(0).size()) {
                throw new CorruptDataException(Quote.path(file) + " has " + lines.size() + " lines but "
                        + names[0] + "." + split + " has " + columns.get(0).size());
            }
            columns.add(lines);
        }
        List<SentencePair> pairs = new ArrayList<>(columns.get(0).size());
        for (int i = 0; i < columns.get(0).size(); i++) {
            String label = columns.get(2).get(i).strip();
            int index = LABELS.indexOf(label);
            if (index < 0) {
                throw new CorruptDataException(Quote.path(dir.resolve("labels." + split)) + ":" + (i + 1) + ": label "
                        + Quote.single(label) + " is not one of " + String.join(", ", LABELS));
            }
            pairs.add(new SentencePair("s1." + split + ":" + (i + 1), columns.get(0).get(i), columns.get(1).get(i),
                    index, List.of(columns.get(3).get(i), columns.get(4).get(i), columns.get(5).get(i))));
        }
        return pairs;
    }

    /** {@code SHA256SUMS} as file name -> hex digest; empty when the directory has none. */
    private static Map<String, String> sums(Path dir) {
        Path file = dir.resolve("SHA256SUMS");
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        Map<String, String> out = new java.util.HashMap<>();
        for (String line : TextLines.read(file)) {
            String[] parts = line.strip().split("\\s+\\*?", 2);
            if (parts.length == 2) {
                out.put(parts[1].replaceFirst("^\\*", ""), parts[0].toLowerCase(java.util.Locale.ROOT));
            }
        }
        return out;
    }

    private static void checkSum(Path file, String expected) {
        if (expected == null) {
            return;
        }
        try {
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
            if (!actual.equals(expected)) {
                throw new CorruptDataException(Quote.path(file) + " has SHA-256 " + actual + " but SHA256SUMS records "
                        + expected + ": the file was changed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
