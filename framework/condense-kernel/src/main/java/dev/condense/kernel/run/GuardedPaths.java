package dev.condense.kernel.run;

import dev.condense.engine.data.DataOptions;
import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.run.OutputGuard.Guarded;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The paths a run's output directory may neither be nor contain ({@link OutputGuard}): the working directory, the
 * home directory (both {@code user.home} and {@code $HOME}, which differ when a user sets HOME), the Condense
 * installation ({@code condense.home}), the recipe, the model and teacher files, the data and cache directories.
 */
public final class GuardedPaths {
    private GuardedPaths() {
    }

    /** The paths of this process (working directory, home, installation), none of the recipe's. */
    public static List<Guarded> ofProcess() {
        List<Guarded> out = new ArrayList<>();
        out.add(new Guarded(Path.of("").toAbsolutePath(), "the working directory"));
        add(out, System.getProperty("user.home"), "the home directory");
        add(out, System.getenv("HOME"), "the home directory");
        add(out, System.getProperty("condense.home"), "the Condense installation");
        return out;
    }

    /**
     * Those of {@link #ofProcess()} plus the plan's recipe, model and stage input files (teachers), the data directory (when given) and
     * the cache directory (given or default).
     *
     * @param dataDir  {@code --data-dir}, or null
     * @param cacheDir {@code --cache-dir}, or null for the default
     */
    public static List<Guarded> of(Plan plan, Path dataDir, Path cacheDir) {
        List<Guarded> out = ofProcess();
        out.add(new Guarded(abs(plan.source()), "the recipe"));
        plan.model().modelFile().ifPresent(f -> out.add(new Guarded(abs(f), "the model")));
        for (PlannedStage s : plan.stages()) {
            s.inputs().forEach(f -> out.add(new Guarded(abs(f.file()), "the " + f.role())));
        }
        if (dataDir != null) {
            out.add(new Guarded(abs(dataDir), "the data directory"));
        }
        out.add(new Guarded(abs(cacheDir != null ? cacheDir : DataOptions.defaultCacheDir()), "the cache directory"));
        return out;
    }

    private static void add(List<Guarded> out, String path, String what) {
        if (path != null && !path.isBlank()) {
            out.add(new Guarded(abs(Path.of(path)), what));
        }
    }

    private static Path abs(Path p) {
        return p.toAbsolutePath().normalize();
    }
}
