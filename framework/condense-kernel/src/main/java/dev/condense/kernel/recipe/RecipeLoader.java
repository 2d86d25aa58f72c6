package dev.condense.kernel.recipe;

import dev.condense.api.extension.ExtensionIds;
import dev.condense.engine.io.InputFiles;
import dev.condense.engine.nlp.TextClassifierSpec;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.stage.StageKinds;
import dev.condense.kernel.stage.StageSpec;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a recipe file into a checked {@link Recipe}. Every problem is a {@link RecipeException} at
 * {@code file:line:column}; nothing is resolved against the plugin registry here (see the planner).
 *
 * <p>The tree is composed first ({@link RecipeComposer}: {@code extends}, {@code --set}, {@code vars}). Top-level keys: {@code recipe} (required, kebab-case), {@code seed} (default 0), {@code model} (required),
 * {@code data} (optional), {@code stages} (required) and {@code output} (default {@code {dir: runs/<recipe>}}).
 */
public final class RecipeLoader {
    private static final List<String> KEYS = List.of("recipe", "seed", "model", "data", "stages", "output");
    private static final List<String> MODEL_KEYS = List.of("zoo", "file", "encoder");
    private static final List<String> OUTPUT_KEYS = List.of("dir");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private RecipeLoader() {
    }

    /** Reads and checks the recipe at {@code file} (with its {@code extends} bases and {@code vars}). */
    public static Recipe load(Path file) {
        return load(file, List.of());
    }

    /** Reads the recipe at {@code file}, applies the {@code --set} {@code overrides}, and checks it (built-in kinds). */
    public static Recipe load(Path file, List<RecipeOverride> overrides) {
        return load(file, overrides, StageKinds.standard());
    }

    /** As {@link #load(Path, List)}, with the stage kinds {@code kinds} (the kernel's, which a module may extend). */
    public static Recipe load(Path file, List<RecipeOverride> overrides, StageKinds kinds) {
        return read(RecipeComposer.compose(file, overrides), kinds);
    }

    /**
     * Checks a recipe whose text is given, as if read from {@code file} (which is not read; bases named by
     * {@code extends} and model files are still looked up relative to it).
     */
    public static Recipe parse(Path file, String text, List<RecipeOverride> overrides) {
        return read(RecipeComposer.compose(file, text, overrides));
    }

    /** Checks an already parsed recipe tree (built-in kinds). */
    public static Recipe read(LocatedTree tree) {
        return read(tree, StageKinds.standard());
    }

    /** Checks an already parsed recipe tree, its stages parsed by {@code kinds}. */
    public static Recipe read(LocatedTree tree, StageKinds kinds) {
        NodeRef root = tree.rootRef().expectObject(KEYS);
        NodeRef nameNode = root.required("recipe");
        String name = nameNode.asText();
        if (name.length() > 80 || !NAME.matcher(name).matches()) {
            throw nameNode.fail("recipe name must be kebab-case (lower-case words and digits joined by '-'), was " + Quote.single(name));
        }
        long seed = root.optional("seed").map(s -> s.asLong(0, Long.MAX_VALUE)).orElse(0L);
        ModelSpec model = model(root.required("model"));
        Optional<DataSpec> data = root.optional("data").map(RecipeLoader::data);
        checkModality(root, model, data);
        List<StageSpec> stages = StageParser.read(root.required("stages"), kinds);
        OutputSpec output = root.optional("output").map(RecipeLoader::output)
                .orElse(new OutputSpec(Path.of("runs", name), nameNode.location()));
        return new Recipe(tree.file(), name, seed, model, data, stages, output);
    }

    /**
     * {@code {zoo: id}}, {@code {file: path}} (resolved against the naming file's directory and present), or
     * {@code {encoder: {source, sequence-length, classes, layers, intermediate}}} ({@link TextClassifierSpec}).
     */
    public static ModelSpec model(NodeRef node) {
        node.expectObject(MODEL_KEYS);
        Optional<NodeRef> zoo = node.optional("zoo");
        Optional<NodeRef> file = node.optional("file");
        Optional<NodeRef> encoder = node.optional("encoder");
        List<NodeRef> given = java.util.stream.Stream.of(zoo, file, encoder).flatMap(Optional::stream).toList();
        if (given.size() != 1) {
            throw new RecipeException(given.size() > 1 ? given.get(1).keyLocation() : node.keyLocation(),
                    "model needs exactly one of zoo, file or encoder");
        }
        if (encoder.isPresent()) {
            EncoderBody b = new Binder().bind(encoder.get(), EncoderBody.class);
            return encoder.get().construct(() -> ModelSpec.encoder(new TextClassifierSpec(b.source(),
                    b.sequenceLength(), b.classes(), b.layers() == null ? List.of() : b.layers(),
                    b.intermediate() == null ? 0 : b.intermediate())));
        }
        if (zoo.isPresent()) {
            String id = zoo.get().asText();
            if (!ExtensionIds.isValid(id)) {
                throw zoo.get().fail("zoo must be a kebab-case model id, was " + Quote.single(id));
            }
            return ModelSpec.zoo(id);
        }
        NodeRef f = file.get();
        Path resolved;
        try {
            resolved = f.location().file().resolveSibling(f.asText()).normalize();
        } catch (InvalidPathException e) {
            throw f.fail("model file names no valid path: " + Quote.single(f.asText()));
        }
        InputFiles.fileProblem(resolved).ifPresent(problem -> {
            throw f.fail("model file " + problem + ": " + Quote.path(resolved)
                    + (problem.equals("not found") ? " (relative paths resolve against the directory of the file that names it)" : ""));
        });
        return ModelSpec.file(resolved);
    }

    private static DataSpec data(NodeRef node) {
        DataBody b = new Binder().bind(node, DataBody.class);
        return node.construct(() -> new DataSpec(b.dataset(), b.validation() == null ? 0 : b.validation(),
                b.trainLimit() == null ? 0 : b.trainLimit(), b.testLimit() == null ? 0 : b.testLimit(), b.splitSeed(),
                b.longPairs(), b.fraction(), b.rationales()));
    }

    /** The {@code data} mapping as written: every key but {@code dataset} optional. */
    private record DataBody(String dataset, Double validation, Integer trainLimit, Integer testLimit, Long splitSeed,
                            String longPairs, Double fraction, String rationales) {
    }

    /** The {@code model.encoder} mapping as written: source, sequence-length and classes required. */
    private record EncoderBody(String source, int sequenceLength, int classes, List<Integer> layers,
                               Integer intermediate) {
    }

    /**
     * A text model needs a text data set and the other way round: {@code esnli} ({@link DataSpec#TEXT_DATASETS})
     * gives sentence pairs, which only an encoder's tokenizer turns into inputs.
     */
    private static void checkModality(NodeRef root, ModelSpec model, Optional<DataSpec> data) {
        if (data.isEmpty()) {
            return;
        }
        boolean textData = DataSpec.TEXT_DATASETS.contains(data.get().dataset());
        boolean textModel = model.textEncoder().isPresent();
        if (textData && !textModel) {
            throw root.required("data").child("dataset").fail("data set " + data.get().dataset() + " holds sentence"
                    + " pairs; it needs a text model: model: {encoder: {source: all-minilm-l6-v2, sequence-length: 64,"
                    + " classes: 3}}");
        }
        if (textModel && !textData) {
            throw root.required("data").child("dataset").fail("model.encoder takes sentence pairs; data set "
                    + data.get().dataset() + " holds none (text data sets: " + String.join(", ", DataSpec.TEXT_DATASETS) + ")");
        }
        if (!textData && data.get().longPairs() != null) {
            throw root.required("data").child("long-pairs").fail("long-pairs applies to text data sets only ("
                    + String.join(", ", DataSpec.TEXT_DATASETS) + ")");
        }
        if (!textData && data.get().rationales() != null) {
            throw root.required("data").child("rationales").fail("rationales applies to text data sets with"
                    + " explanations only (" + String.join(", ", DataSpec.TEXT_DATASETS) + ")");
        }
    }

    private static OutputSpec output(NodeRef node) {
        node.expectObject(OUTPUT_KEYS);
        NodeRef dir = node.required("dir");
        String value = dir.asText();
        return dir.construct(() -> new OutputSpec(Path.of(value), dir.location()));
    }
}
