package dev.condense.kernel.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        Path base = tree.file().resolveSibling(ref.asText()).normalize();
        if (chain.contains(key(base))) {
            List<Path> cycle = new ArrayList<>(chain.subList(chain.indexOf(key(base)), chain.size()));
            cycle.add(key(base));
            throw ref.fail("extends cycle: " + cycle.stream().map(p -> String.valueOf(p.getFileName()))
                    .collect(Collectors.joining(" -> ")));
        }
        if (!Files.isRegularFile(base)) {
            throw ref.fail("base recipe not found: " + base + " (extends is relative to the including file's directory)");
        }
        LocatedTree baseTree = YamlReader.read(base);
        if (!baseTree.root().isObject()) {
            throw baseTree.rootRef().fail("a base recipe must be a mapping but found " + baseTree.rootRef().describe());
        }
        chain.add(key(base));
        return RecipeMerge.merge(withBases(baseTree, chain), without.build());
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }
}
