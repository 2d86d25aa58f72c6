package dev.condense.kernel.recipe;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.condense.api.train.Augmentation;
import dev.condense.api.train.LrSchedule;
import dev.condense.api.train.NormConstraints;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.text.Quote;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a training body, used by {@code train} stages and by fine-tuning inside other stages.
 *
 * <pre>
 * epochs: 8                          # required
 * batch: 128                         # default 128
 * optimizer: {adam: {lr: 1.0e-3}}    # default adam, lr 1e-3; or adam | sgd alone for its defaults
 * limit: 0                           # rows per epoch, 0 = all (default)
 * lr-schedule: {cosine: {min-lr: 0, per: epoch}} # default constant; per: step decays every optimizer step
 * augment: {shift: 1}                # random image translation by up to 1 pixel; default none
 * clip-norm: 5                       # clip the global gradient L2 norm to 5 before the updater; default 0 = off
 * max-norm: 3.5                      # each unit's incoming weights kept in an L2 ball of radius 3.5; default 0 = off
 * </pre>
 *
 * Optimizer bodies take {@code lr}, {@code momentum} and {@code weight-decay}. Defaults: adam lr 1e-3; sgd lr 0.01,
 * momentum 0.9; weight-decay 0.
 */
public final class TrainParser {
    static final int DEFAULT_BATCH = 128;
    /** The keys of a train block (a train stage adds {@code loss}). */
    public static final List<String> KEYS = List.of("epochs", "batch", "optimizer", "limit", "lr-schedule",
            "augment", "clip-norm", "max-norm");
    private static final List<String> SCHEDULES = List.of("constant", "step", "cosine");
    private static final List<String> PER = List.of("epoch", "step");
    private static final List<String> OPTIMIZERS = List.of("adam", "sgd");
    private static final List<String> OPTIMIZER_KEYS = List.of("lr", "momentum", "weight-decay");

    private TrainParser() {
    }

    /** Reads a training body mapping. */
    public static TrainSpec read(NodeRef body) {
        body.expectObject(KEYS);
        int epochs = body.required("epochs").asInt(Integer.MIN_VALUE, Integer.MAX_VALUE);
        int batch = body.optional("batch").map(b -> b.asInt(Integer.MIN_VALUE, Integer.MAX_VALUE)).orElse(DEFAULT_BATCH);
        int limit = body.optional("limit").map(b -> b.asInt(Integer.MIN_VALUE, Integer.MAX_VALUE)).orElse(0);
        OptimizerSpec optimizer = body.optional("optimizer").map(TrainParser::optimizer).orElse(OptimizerSpec.adam(1e-3));
        LrSchedule schedule = body.optional("lr-schedule").map(TrainParser::schedule).orElse(LrSchedule.constant());
        Augmentation augment = body.optional("augment").map(TrainParser::augment).orElse(Augmentation.NONE);
        double clipNorm = body.optional("clip-norm").map(NodeRef::asDouble).orElse(0.0);
        double maxNorm = body.optional("max-norm").map(NodeRef::asDouble).orElse(0.0);
        NormConstraints norms = body.construct(() -> new NormConstraints(clipNorm, maxNorm));
        return body.construct(() -> new TrainSpec(epochs, batch, optimizer, limit, schedule, augment, norms));
    }

    /** {@code {shift: 2}}. */
    private static Augmentation augment(NodeRef node) {
        node.expectObject(List.of("shift"));
        int shift = node.optional("shift").map(b -> b.asInt(Integer.MIN_VALUE, Integer.MAX_VALUE)).orElse(0);
        return node.construct(() -> new Augmentation(shift));
    }

    /** {@code constant}, {@code {step: {every: 3, gamma: 0.1}}} or {@code {cosine: {min-lr: 0, per: step}}}. */
    private static LrSchedule schedule(NodeRef node) {
        Map.Entry<String, Optional<NodeRef>> entry = node.singleEntry("a learning-rate schedule");
        String kind = entry.getKey();
        if (!SCHEDULES.contains(kind)) {
            Location at = node.node().isTextual() ? node.location() : node.tree().keyAt(LocatedTree.child(node.pointer(), kind));
            throw new RecipeException(at, "unknown lr-schedule " + Quote.single(kind) + Suggestions.hint(kind, SCHEDULES)
                    + "; available: " + String.join(", ", SCHEDULES));
        }
        NodeRef body = entry.getValue().orElseGet(() -> new NodeRef(node.tree(), node.pointer(),
                JsonNodeFactory.instance.objectNode()));
        body.expectObject(List.of("every", "gamma", "min-lr", "per"));
        int every = body.optional("every").map(b -> b.asInt(Integer.MIN_VALUE, Integer.MAX_VALUE)).orElse(1);
        double gamma = body.optional("gamma").map(NodeRef::asDouble).orElse(kind.equals("step") ? 0.1 : 1.0);
        double minLr = body.optional("min-lr").map(NodeRef::asDouble).orElse(0.0);
        boolean perStep = body.optional("per").map(TrainParser::perStep).orElse(false);
        return body.construct(() -> new LrSchedule(kind, every, gamma, minLr, perStep));
    }

    /** {@code per: epoch} (the default) or {@code per: step}. */
    private static boolean perStep(NodeRef node) {
        String per = node.asText();
        if (!PER.contains(per)) {
            throw node.fail("per must be one of " + String.join(", ", PER) + ", was " + Quote.single(per)
                    + Suggestions.hint(per, PER));
        }
        return per.equals("step");
    }

    private static OptimizerSpec optimizer(NodeRef node) {
        Map.Entry<String, Optional<NodeRef>> entry = node.singleEntry("an optimizer");
        String kind = entry.getKey();
        if (!OPTIMIZERS.contains(kind)) {
            Location at = node.node().isTextual() ? node.location() : node.tree().keyAt(LocatedTree.child(node.pointer(), kind));
            throw new RecipeException(at, "unknown optimizer " + Quote.single(kind) + Suggestions.hint(kind, OPTIMIZERS)
                    + "; available: " + String.join(", ", OPTIMIZERS));
        }
        boolean sgd = kind.equals("sgd");
        NodeRef body = entry.getValue().orElseGet(() -> new NodeRef(node.tree(), node.pointer(),
                JsonNodeFactory.instance.objectNode()));
        body.expectObject(OPTIMIZER_KEYS);
        double lr = body.optional("lr").map(NodeRef::asDouble).orElse(sgd ? 0.01 : 1e-3);
        double momentum = body.optional("momentum").map(NodeRef::asDouble).orElse(sgd ? 0.9 : 0.0);
        double weightDecay = body.optional("weight-decay").map(NodeRef::asDouble).orElse(0.0);
        return body.construct(() -> new OptimizerSpec(kind, lr, momentum, weightDecay));
    }
}
