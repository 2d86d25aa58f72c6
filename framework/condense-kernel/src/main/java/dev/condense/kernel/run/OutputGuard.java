package dev.condense.kernel.run;

import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Decides whether a run may write its output directory. A run replaces its whole output directory when it commits
 * ({@link RunDirectory}), so it must never be pointed at something Condense did not make:
 * <ol>
 *   <li>always refused, even with {@code --force}: the filesystem root, and any directory that is, or contains, one
 *       of the {@link Guarded} paths (the working directory, the home directory, the recipe, the model, the
 *       teachers, ...: see {@link GuardedPaths}); a symbolic link or a file where the directory should be;</li>
 *   <li>an existing directory is replaced when it carries the marker {@link RunDirectory#MARKER} (a Condense run
 *       directory) or is empty; any other only with {@code --force};</li>
 *   <li>the same rules hold for the partial sibling {@code .<name>.partial} the run writes into first, except that
 *       {@code --resume} continues only from a marked one.</li>
 * </ol>
 * Every refusal is a {@link RecipeException} at the recipe location of {@code output.dir} (exit code 2) whose one
 * line names the directory and the way out. Paths are compared after resolving symbolic links of their existing
 * part, so a link cannot smuggle the home directory in.
 */
public final class OutputGuard {

    /** What the run will do to its output directory. */
    public enum Outcome {
        /** Nothing is there: the directory is created. */
        CREATE,
        /** An earlier Condense run's directory (marked) is replaced. */
        REPLACE_RUN,
        /** An empty directory is replaced. */
        REPLACE_EMPTY,
        /** An unmarked, non-empty directory is replaced because of {@code --force}. */
        REPLACE_FORCED
    }

    /**
     * A path no output directory may be or contain.
     *
     * @param path absolute path of a file or directory (it need not exist)
     * @param what how a message names it, e.g. {@code "the recipe"}
     */
    public record Guarded(Path path, String what) {
    }

    private OutputGuard() {
    }

    /**
     * Checks the output directory {@code target} of a run (or of {@code validate}).
     *
     * @param target  the output directory, absolute
     * @param where   where {@code output.dir} was given (or the recipe, for the default), for the message
     * @param guarded paths the directory may neither be nor contain
     * @param force   {@code --force}: replace an unmarked, non-empty directory
     * @param resume  {@code --resume}: the partial directory is continued, so it must be Condense's
     * @return what the run will do to the directory
     * @throws RecipeException at {@code where}, one line naming the directory and the way out
     */
    public static Outcome check(Path target, Location where, List<Guarded> guarded, boolean force, boolean resume) {
        Path abs = target.toAbsolutePath().normalize();
        Path real = real(abs);
        if (real.getParent() == null || abs.getParent() == null) {
            throw refuse(where, abs, "is the filesystem root");
        }
        for (Guarded g : guarded) {
            if (real(g.path().toAbsolutePath().normalize()).equals(real)) {
                throw refuse(where, abs, "is " + g.what());
            }
        }
        for (Guarded g : guarded) {
            if (real(g.path().toAbsolutePath().normalize()).startsWith(real)) {
                throw refuse(where, abs, "contains " + g.what() + " " + g.path());
            }
        }
        Outcome outcome = state(abs, where, force, "output directory " + abs);
        Path partial = RunDirectory.partialOf(abs);
        if (resume && Files.isDirectory(partial, LinkOption.NOFOLLOW_LINKS) && !RunDirectory.isMarked(partial)) {
            throw new RecipeException(where, "cannot resume from " + partial + ": it was not made by Condense (no "
                    + RunDirectory.MARKER + " marker); run without --resume, or set output.dir to another directory");
        }
        if (!resume || !Files.isDirectory(partial, LinkOption.NOFOLLOW_LINKS)) {
            state(partial, where, force, "the run's partial directory " + partial);
        }
        return outcome;
    }

    /** What is at {@code dir} and so what replacing it means; refuses a file, a link or an unmarked directory. */
    private static Outcome state(Path dir, Location where, boolean force, String name) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Outcome.CREATE;
        }
        if (Files.isSymbolicLink(dir)) {
            throw new RecipeException(where, name + " is a symbolic link; Condense replaces an output directory"
                    + " wholesale and will not replace a link: set output.dir to the directory itself or to a new one");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new RecipeException(where, name + " exists and is not a directory; set output.dir to a new directory");
        }
        if (RunDirectory.isMarked(dir)) {
            return Outcome.REPLACE_RUN;
        }
        if (isEmpty(dir)) {
            return Outcome.REPLACE_EMPTY;
        }
        if (force) {
            return Outcome.REPLACE_FORCED;
        }
        throw new RecipeException(where, name + " exists and is not a Condense run directory (no "
                + RunDirectory.MARKER + " marker), and a run replaces all of it: use --force to replace it anyway,"
                + " or set output.dir to a new directory");
    }

    private static RecipeException refuse(Location where, Path dir, String why) {
        return new RecipeException(where, "output directory " + dir + " " + why + "; a run replaces its whole output"
                + " directory, so this is refused even with --force: set output.dir to a new directory (e.g. runs/NAME)");
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false; // unreadable: not known to be empty, so not replaced without --force
        }
    }

    /**
     * {@code abs} with the symbolic links of its longest existing prefix resolved (the rest appended as written), so
     * that a path and a link to it compare equal.
     */
    static Path real(Path abs) {
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
        } catch (IOException e) {
            return abs;
        }
    }
}
