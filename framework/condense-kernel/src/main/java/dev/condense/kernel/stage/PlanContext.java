package dev.condense.kernel.stage;

import dev.condense.api.extension.Extension;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.plan.ExtensionLookup;
import dev.condense.kernel.recipe.Binder;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.Recipe;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.Suggestions;
import java.util.Objects;
import java.util.SortedSet;

/**
 * What a {@link StageSpec} plans against: the installed extensions, the params binder of this planning and the
 * recipe (for its data section). One per {@link dev.condense.kernel.plan.Planner#plan} call.
 */
public final class PlanContext {
    private final ExtensionLookup lookup;
    private final Binder binder;
    private final Recipe recipe;
    private final StageKinds kinds;

    public PlanContext(ExtensionLookup lookup, Binder binder, Recipe recipe, StageKinds kinds) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.binder = Objects.requireNonNull(binder, "binder");
        this.recipe = Objects.requireNonNull(recipe, "recipe");
        this.kinds = Objects.requireNonNull(kinds, "kinds");
    }

    public ExtensionLookup lookup() {
        return lookup;
    }

    public Binder binder() {
        return binder;
    }

    public Recipe recipe() {
        return recipe;
    }

    /** The registered kinds (for messages that list them). */
    public StageKinds kinds() {
        return kinds;
    }

    /** The extension of {@code point} named by {@code ref}, or a located error with "did you mean" and the installed ids. */
    public <E extends Extension<?>> E resolve(Class<?> point, ExtensionRef ref, String what) {
        Class<E> p = PlanContext.point(point);
        return lookup.find(p, ref.id()).orElseThrow(() -> {
            SortedSet<String> ids = lookup.ids(p);
            return new RecipeException(ref.location(), "unknown " + what + " " + Quote.single(ref.id())
                    + Suggestions.hint(ref.id(), ids) + "; installed: " + (ids.isEmpty() ? "none" : String.join(", ", ids)));
        });
    }

    /** Binds {@code ref}'s params into {@code type}. */
    public Record bind(ExtensionRef ref, Class<? extends Record> type) {
        return binder.bind(ref.params(), type);
    }

    /** @throws RecipeException at {@code at} with {@code message} when the recipe has no data section */
    public void requireData(Location at, String message) {
        if (recipe.data().isEmpty()) {
            throw new RecipeException(at, message);
        }
    }

    /** Views a raw extension-point class as a class of its wildcard type (safe: type arguments are erased). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <E extends Extension<?>> Class<E> point(Class raw) {
        return (Class<E>) raw;
    }
}
