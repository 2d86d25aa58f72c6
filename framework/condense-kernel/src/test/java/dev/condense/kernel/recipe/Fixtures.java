package dev.condense.kernel.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.function.Executable;

/** Helpers for recipe tests: write YAML fixtures and assert located errors. */
public final class Fixtures {

    private Fixtures() {
    }

    /** Writes {@code yaml} to {@code dir/name} and returns the path. */
    public static Path write(Path dir, String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of {@code file}. */
    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts {@code run} throws a RecipeException at {@code file:line:column} whose detail holds every fragment. */
    public static RecipeException assertError(Executable run, Path file, int line, int column, String... fragments) {
        RecipeException e = assertThrows(RecipeException.class, run);
        assertEquals(file, e.location().file(), e.getMessage());
        assertEquals(line + ":" + column, e.location().line() + ":" + e.location().column(), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.detail().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
        assertEquals(file + ":" + line + ":" + column + ": " + e.detail(), e.getMessage());
        assertEquals(e.getMessage(), e.toString());
        return e;
    }

    /** The repository's config/recipes directory, found from the working directory upwards. */
    public static Path recipesDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("config/recipes");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("config/recipes not found above " + Path.of("").toAbsolutePath());
    }
}
