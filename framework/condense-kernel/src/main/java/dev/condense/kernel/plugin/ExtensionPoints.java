package dev.condense.kernel.plugin;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.extension.Extension;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.Quantizer;
import dev.condense.api.stage.Stage;
import java.util.List;

/** The extension points the kernel resolves by id, with the short names used in messages and listings. */
public final class ExtensionPoints {
    /** Every point, in listing order. */
    public static final List<Class<? extends Extension<?>>> ALL = List.of(
            cast(ImportanceScorer.class), cast(Quantizer.class), cast(Calibrator.class), cast(LossFunction.class),
            cast(Decomposition.class), cast(Stage.class));

    private ExtensionPoints() {
    }

    /** Kebab-case name of a point, e.g. {@code importance-scorer}. */
    public static String name(Class<?> point) {
        return point.getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Extension<?>> cast(Class<?> c) {
        return (Class<? extends Extension<?>>) c;
    }
}
