package dev.condense.kernel.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.condense.engine.text.Quote;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Composes the tree a recipe stands for, before it is checked: follows {@code extends} (a path relative to the
 * including file; chains allowed, cycles an error) and deep-merges each file over its base ({@link RecipeMerge}),
 * applies {@code --set} overrides ({@link TreeOverrides}), then substitutes {@code ${var}} references
 * ({@link VarSubstitution}). The result holds neither {@code extends} nor {@code vars}; every value is located where
 * it was written, possibly in a base file or on the command line.
 */
public final class RecipeComposer {
    /** The top-level key naming a base recipe. */
    public static final String EXTENDS = "extends";

    private RecipeComposer() {
    }

    /** Reads {@code file}, its bases, applies {@code overrides} and substitutes variables. */
    public static LocatedTree compose(Path file, List<RecipeOverride> overrides) {
        return finish(YamlReader.read(file), overrides);
    }

    /** As {@link #compose(Path, List)} for a recipe whose text is given (bases are still read from disk). */
    public static LocatedTree compose(Path file, String text, List<RecipeOverride> overrides) {
        return finish(YamlReader.parse(file, text), overrides);
    }

    private static LocatedTree finish(LocatedTree tree, List<RecipeOverride> overrides) {
        List<Path> chain = new ArrayList<>(List.of(key(tree.file())));
        TreeEdit edit = new TreeEdit(withBases(tree, chain), tree.file());
        TreeOverrides.apply(edit, overrides);
        VarSubstitution.apply(edit);
        return edit.build();
    }

    private static LocatedTree withBases(LocatedTree tree, List<Path> chain) {
        JsonNode ext = tree.root().path(EXTENDS);
        if (!tree.root().isObject() || ext.isMissingNode()) {
            return tree;
        }
        String pointer = LocatedTree.child("", EXTENDS);
        TreeEdit without = new TreeEdit(tree, tree.file());
        without.remove(pointer);
        if (ext.isNull()) {
            return without.build();
        }
        NodeRef ref = new NodeRef(tree, pointer, ext);
        Path base = baseFile(ref);
        if (chain.contains(key(base))) {
            List<Path> cycle = new ArrayList<>(chain.subList(chain.indexOf(key(base)), chain.size()));
            cycle.add(key(base));
            throw ref.fail("extends cycle: " + cycle.stream().map(p -> Quote.cut(String.valueOf(p.getFileName())))
                    .collect(Collectors.joining(" -> ")));
        }
        LocatedTree baseTree = YamlReader.read(base, "base recipe", m -> ref.fail(m + ": " + Quote.path(base)
                + (m.endsWith("not found") ? " (extends is relative to the including file's directory)" : "")));
        if (!baseTree.root().isObject()) {
            throw baseTree.rootRef().fail("a base recipe must be a mapping but found "
                    + (baseTree.root().isTextual() ? "a string" : baseTree.rootRef().describe()));
        }
        chain.add(key(base));
        return RecipeMerge.merge(withBases(baseTree, chain), without.build());
    }

    /**
     * The file {@code extends} names, resolved against the including file: it must end in {@code .yaml} or
     * {@code .yml}, and so must the file it resolves to through symbolic links, so that no other kind of file (such
     * as {@code /etc/passwd}) is ever read, let alone quoted, as a recipe.
     */
    private static Path baseFile(NodeRef ref) {
        String value = ref.asText();
        Path base;
        try {
            base = ref.tree().file().resolveSibling(value).normalize();
        } catch (InvalidPathException e) {
            throw ref.fail("extends names no valid path: " + Quote.single(value));
        }
        if (!isYaml(base)) {
            throw ref.fail("extends must name a YAML recipe file (ending in .yaml or .yml), was "
                    + Quote.single(value));
        }
        try {
            Path real = base.toRealPath();
            if (!isYaml(real)) {
                throw ref.fail("extends names " + Quote.single(value) + ", a link to " + Quote.path(real)
                        + ", which is not a YAML recipe file (ending in .yaml or .yml)");
            }
        } catch (IOException e) {
            // missing or unreachable: reported with the file's kind when it is read
        }
        return base;
    }

    private static boolean isYaml(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }
}
