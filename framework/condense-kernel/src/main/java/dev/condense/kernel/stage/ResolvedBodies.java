package dev.condense.kernel.stage;

import dev.condense.api.train.LrSchedule;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Builders the kinds share for their {@link PlannedStage#resolvedBody()}: ordered maps, params records, trainings. */
public final class ResolvedBodies {
    private ResolvedBodies() {
    }

    /** A map with the given key/value pairs in that order (Map.of iterates in a per-JVM random order). */
    public static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** A params record as a recipe node: its components only (not other getters), with kebab-case keys. */
    public static Map<String, Object> recordToMap(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (var c : r.getClass().getRecordComponents()) {
            try {
                c.getAccessor().setAccessible(true);
                Object v = c.getAccessor().invoke(r);
                m.put(c.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT),
                        v instanceof Record nested ? recordToMap(nested) : v);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getName(), e);
            }
        }
        return m;
    }

    /**
     * A training as the body of a {@code train} stage (also distill's {@code train} and prune's {@code finetune}):
     * every key {@code TrainParser} reads that is not at its default, so the resolved recipe trains the same way.
     */
    public static Map<String, Object> train(TrainSpec t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", t.epochs());
        m.put("batch", t.batch());
        OptimizerSpec o = t.optimizer();
        m.put("optimizer", Map.of(o.kind(), ordered("lr", o.lr(), "momentum", o.momentum(), "weight-decay", o.weightDecay())));
        m.put("limit", t.limit());
        LrSchedule s = t.schedule();
        if (!s.kind().equals("constant")) {
            m.put("lr-schedule", Map.of(s.kind(), s.kind().equals("step") ? ordered("every", s.stepEpochs(), "gamma", s.gamma())
                    : s.perStep() ? ordered("min-lr", s.minLr(), "per", "step") : ordered("min-lr", s.minLr())));
        }
        if (t.augment().active()) {
            m.put("augment", Map.of("shift", t.augment().shift()));
        }
        if (t.norms().clips()) {
            m.put("clip-norm", t.norms().clipNorm());
        }
        if (t.norms().constrains()) {
            m.put("max-norm", t.norms().maxNorm());
        }
        return m;
    }
}
