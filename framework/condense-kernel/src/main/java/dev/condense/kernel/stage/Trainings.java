package dev.condense.kernel.stage;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import java.util.Arrays;
import java.util.Locale;

/** What the kinds that train (train, distill, prune's fine-tuning) share in preview: checks and the validate text. */
public final class Trainings {
    private Trainings() {
    }

    /** Augmentation shifts images: with an active augment, the model's input must be {@code [N, C, H, W]}. */
    public static void checkAugment(TrainSpec spec, Location at, ModelGraph graph) {
        if (!spec.augment().active()) {
            return;
        }
        long[] shape = graph.inputs().get(0).shape();
        if (shape.length != 4) {
            throw new RecipeException(at, "augment shift moves images, but the model's input "
                    + Quote.single(graph.inputs().get(0).name()) + " has shape " + Arrays.toString(shape)
                    + ", not [N, C, H, W]");
        }
    }

    /** E.g. {@code 8 epochs, batch 128, adam lr 0.001}, with the lr schedule, row limit, augmentation, clipping and max-norm when set. */
    public static String describe(TrainSpec t) {
        StringBuilder b = new StringBuilder();
        b.append(t.epochs()).append(t.epochs() == 1 ? " epoch" : " epochs").append(", batch ").append(t.batch())
                .append(", ").append(t.optimizer().kind()).append(" lr ").append(number(t.optimizer().lr()));
        if (!t.schedule().kind().equals("constant")) {
            b.append(", ").append(t.schedule().kind()).append(" schedule");
            if (t.schedule().perStep()) {
                b.append(" per step");
            }
        }
        if (t.limit() > 0) {
            b.append(", first ").append(t.limit()).append(" rows");
        }
        if (t.augment().active()) {
            b.append(", shift ").append(t.augment().shift()).append(" px");
        }
        if (t.norms().clips()) {
            b.append(", gradient norm clipped to ").append(number(t.norms().clipNorm()));
        }
        if (t.norms().constrains()) {
            b.append(", max-norm ").append(number(t.norms().maxNorm()));
        }
        return b.toString();
    }

    /**
     * Reports a training's epochs, final loss (cross-entropy with the true labels) and throughput, and, when set,
     * its gradient clipping (limit, steps clipped, largest and mean norm) and max-norm radius; returns its graph.
     */
    public static ModelGraph reported(dev.condense.api.stage.StageContext ctx, TrainSpec spec,
                                      dev.condense.api.train.TrainResult r) {
        ctx.report("epochs", spec.epochs());
        ctx.report("final_loss", r.finalLoss());
        ctx.report("samples_per_sec", Math.round(r.samplesPerSec()));
        if (spec.norms().clips()) {
            java.util.Map<String, Object> clip = new java.util.LinkedHashMap<>();
            clip.put("clip_norm", spec.norms().clipNorm());
            clip.put("steps", r.clipping().steps());
            clip.put("clipped_steps", r.clipping().clipped());
            clip.put("largest_norm", r.clipping().largest());
            clip.put("mean_norm", r.clipping().mean());
            ctx.report("gradient_clipping", clip);
        }
        if (spec.norms().constrains()) {
            ctx.report("max_norm", spec.norms().maxNorm());
        }
        return r.graph();
    }

    /** A number without trailing zeros: 0.001, 0.9, 10. */
    public static String number(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString().toLowerCase(Locale.ROOT);
    }
}
