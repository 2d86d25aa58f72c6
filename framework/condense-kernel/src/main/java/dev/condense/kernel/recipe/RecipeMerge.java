package dev.condense.kernel.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;

/**
 * Deep merge of an including recipe over its base ({@code extends}): mappings merge key by key and the including
 * file wins; lists, scalars and a value whose type differs replace the base's value as a whole. Each value keeps the
 * location of the file it was written in.
 */
final class RecipeMerge {

    private RecipeMerge() {
    }

    /** {@code over} merged over {@code base}; the result names {@code over}'s file. */
    static LocatedTree merge(LocatedTree base, LocatedTree over) {
        TreeEdit edit = new TreeEdit(base, over.file());
        merge(edit, over, "");
        return edit.build();
    }

    private static void merge(TreeEdit edit, LocatedTree over, String pointer) {
        JsonNode mine = over.root().at(pointer);
        JsonNode theirs = edit.get(pointer);
        if (!mine.isObject() || !theirs.isObject()) {
            edit.graft(pointer, over, pointer);
            return;
        }
        edit.relocate(pointer, over.at(pointer), over.hasKey(pointer) ? over.keyAt(pointer) : null);
        for (Iterator<String> it = mine.fieldNames(); it.hasNext(); ) {
            String child = LocatedTree.child(pointer, it.next());
            merge(edit, over, child);
        }
    }
}
