package dev.condense.kernel.stage.distill;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.kernel.stage.ResolvedBodies;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * A layer-map entry with its feature loss resolved and its params bound (plan time).
 *
 * <p>Invariant: {@code params} is an instance of {@code loss.paramsType()}.
 *
 * @param entry  the entry as written
 * @param loss   the feature loss extension
 * @param params its bound params
 */
public record DistillFeature(FeatureMapEntry entry, LossFunction<?> loss, Record params) {

    public DistillFeature {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(loss, "loss");
        if (!loss.paramsType().isInstance(params)) {
            throw new IllegalArgumentException("params of loss " + loss.id() + " must be a "
                    + loss.paramsType().getSimpleName() + ", was " + params);
        }
    }

    /** Builds the loss with the bound params (the cast is safe: the constructor checked the params' type). */
    @SuppressWarnings("unchecked")
    public SDVariable build(LossInputs inputs) {
        return ((LossFunction<Record>) loss).loss(inputs, params);
    }

    /** The entry as the resolved recipe shows it. */
    Map<String, Object> resolvedBody() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("student", entry.student().pattern());
        m.put("teacher", entry.teacher().pattern());
        m.put("loss", Map.of(loss.id(), ResolvedBodies.recordToMap(params)));
        m.put("weight", entry.weight());
        m.put("pick", entry.pick().id());
        m.put("project", entry.project());
        return m;
    }
}
