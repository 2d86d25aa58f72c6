package dev.condense.kernel.stage;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import dev.condense.kernel.stage.cluster.ClusterKind;
import dev.condense.kernel.stage.factorize.FactorizeKind;
import dev.condense.kernel.stage.distill.DistillKind;
import dev.condense.kernel.stage.encode.EncodeKind;
import dev.condense.kernel.stage.evaluate.EvaluateKind;
import dev.condense.kernel.stage.export.ExportKind;
import dev.condense.kernel.stage.prune.PruneKind;
import dev.condense.kernel.stage.quantize.QuantizeKind;
import dev.condense.kernel.stage.train.TrainKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registers the built-in stage kinds in a Guice {@code MapBinder<String, StageKind>} and provides the
 * {@link StageKinds} built from the bound map, so another module (a test, an embedder) adds a kind with
 * {@code MapBinder.newMapBinder(binder(), String.class, StageKind.class).addBinding(id).toInstance(kind)}.
 * Adding a built-in kind is one line in {@link #builtIn()}.
 */
public final class StageKindsModule extends AbstractModule {

    /** The built-in kinds: the one list. */
    static List<StageKind> builtIn() {
        return List.of(
                new TrainKind(),
                new DistillKind(),
                new PruneKind(),
                new QuantizeKind(),
                new ClusterKind(),
                new EncodeKind(),
                new FactorizeKind(),
                new EvaluateKind(),
                new ExportKind());
    }

    static Map<String, StageKind> builtInMap() {
        Map<String, StageKind> out = new LinkedHashMap<>();
        builtIn().forEach(k -> out.put(k.id(), k));
        return out;
    }

    @Override
    protected void configure() {
        MapBinder<String, StageKind> kinds = MapBinder.newMapBinder(binder(), String.class, StageKind.class);
        builtIn().forEach(k -> kinds.addBinding(k.id()).toInstance(k));
    }

    @Provides
    @Singleton
    StageKinds kinds(Map<String, StageKind> bound) {
        return new StageKinds(bound);
    }
}
