package dev.condense.engine.train;

/**
 * A part of a training run that is not the core step (forward, loss gradient, optimizer update): mask projection,
 * a distillation teacher, feature taps for hint losses, fake quantization, weight projection, progress. A run
 * ({@link Trainer#fit}) calls every hook at each phase, in list order; each phase has a default that does nothing,
 * so a hook overrides only the phases it needs.
 *
 * <p>Phases, in run order:
 * <ol>
 *   <li>{@link #lower} once, before the student graph is lowered to SameDiff: a hook may change how a trainable
 *       weight enters the forward graph ({@link Lowering#view}).</li>
 *   <li>{@link #build} once, after lowering and before the loss is built: a hook may add placeholders it feeds per
 *       batch and name SameDiff variables the loss reads ({@link GraphBuild}).</li>
 *   <li>{@link #beforeStep} before every optimizer step: a hook may feed placeholders from the batch.</li>
 *   <li>{@link #afterStep} after every optimizer step (the weights are updated): a hook may project weights in
 *       place, and reads the batch loss.</li>
 *   <li>{@link #epochEnd} after every epoch.</li>
 * </ol>
 * A hook instance belongs to one run at a time; hooks are not called from more than one thread.
 */
public interface TrainingHook {

    /** Lowering: called once before the student graph is lowered; the default does nothing. */
    default void lower(Lowering lowering) {
    }

    /** Graph build: called once after lowering, before the loss is built; the default does nothing. */
    default void build(GraphBuild build) {
    }

    /** Called before every optimizer step, with the batch's features; the default does nothing. */
    default void beforeStep(StepState step) {
    }

    /** Called after every optimizer step (weights updated, {@link StepState#loss()} set); the default does nothing. */
    default void afterStep(StepState step) {
    }

    /**
     * Names of SameDiff variables (built by this hook's views) whose values it reads after each step through
     * {@link StepState#observed}; asked once, after lowering and graph build. The variables must be on the loss's
     * path (SameDiff's training session computes nothing else). The default observes nothing.
     */
    default java.util.Set<String> observed() {
        return java.util.Set.of();
    }

    /** Called after every epoch; the default does nothing. */
    default void epochEnd(EpochSummary epoch) {
    }
}
