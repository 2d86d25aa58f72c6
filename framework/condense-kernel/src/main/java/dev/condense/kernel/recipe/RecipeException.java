package dev.condense.kernel.recipe;

import dev.condense.engine.text.Quote;
import java.util.Objects;

/**
 * A problem in a recipe, located at {@code file:line:column}.
 *
 * <p>{@link #getMessage()} and {@link #toString()} both read {@code file:line:column: detail}, the format compilers
 * use, so that editors and terminals can jump to the spot. The CLI prints it and exits with code 2; no stack trace is
 * shown to users.
 */
public class RecipeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Location location;
    private final String detail;

    public RecipeException(Location location, String detail) {
        this(location, detail, null);
    }

    public RecipeException(Location location, String detail, Throwable cause) {
        super(Objects.requireNonNull(location, "location") + ": " + Quote.message(Objects.requireNonNull(detail, "detail")), cause);
        this.location = location;
        this.detail = Quote.message(detail);
    }

    /** Where the problem is. */
    public Location location() {
        return location;
    }

    /** The message without its location. */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
