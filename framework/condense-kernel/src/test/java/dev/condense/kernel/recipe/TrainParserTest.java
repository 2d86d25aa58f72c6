package dev.condense.kernel.recipe;

import dev.condense.kernel.stage.train.TrainStageSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condense.api.train.Augmentation;
import dev.condense.api.train.LrSchedule;
import dev.condense.api.train.NormConstraints;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.stage.ResolvedBodies;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainParserTest {
    @TempDir
    Path dir;

    private TrainSpec parse(String body) throws Exception {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, "recipe: r\nmodel: {zoo: lenet-300-100}\ndata: {dataset: mnist}\nstages:\n  - train: " + body + "\n");
        return ((TrainStageSpec) RecipeLoader.load(f).stages().get(0)).spec();
    }

    @Test
    void lrScheduleDefaultsToConstantAndReadsStepAndCosine() throws Exception {
        assertEquals(LrSchedule.constant(), parse("{epochs: 2}").schedule());
        assertEquals(LrSchedule.step(3, 0.5), parse("{epochs: 9, lr-schedule: {step: {every: 3, gamma: 0.5}}}").schedule());
        assertEquals(LrSchedule.cosine(1e-5), parse("{epochs: 9, lr-schedule: {cosine: {min-lr: 1.0e-5}}}").schedule());
        assertEquals(LrSchedule.cosinePerStep(0), parse("{epochs: 1, lr-schedule: {cosine: {per: step}}}").schedule());
        assertEquals(LrSchedule.cosine(0), parse("{epochs: 1, lr-schedule: {cosine: {per: epoch}}}").schedule());
    }

    @Test
    void unknownScheduleIsLocatedWithASuggestion() {
        RecipeException e = assertThrows(RecipeException.class, () -> parse("{epochs: 2, lr-schedule: cosin}"));
        assertEquals(5, e.location().line());
        assertTrue(e.getMessage().contains("cosine"), e.getMessage());
    }

    @Test
    void perIsLocatedAndAppliesToCosineOnly() {
        RecipeException typo = assertThrows(RecipeException.class,
                () -> parse("{epochs: 2, lr-schedule: {cosine: {per: stpe}}}"));
        assertEquals(5, typo.location().line());
        assertTrue(typo.getMessage().contains("did you mean 'step'") || typo.getMessage().contains("step"), typo.getMessage());
        RecipeException stepKind = assertThrows(RecipeException.class,
                () -> parse("{epochs: 2, lr-schedule: {step: {every: 1, per: step}}}"));
        assertTrue(stepKind.getMessage().contains("cosine schedule only"), stepKind.getMessage());
    }

    @Test
    void augmentDefaultsToNoneAndReadsShift() throws Exception {
        assertEquals(Augmentation.NONE, parse("{epochs: 2}").augment());
        assertEquals(new Augmentation(2), parse("{epochs: 2, augment: {shift: 2}}").augment());
    }

    @Test
    void augmentOutOfRangeOrUnknownKeyIsLocated() {
        RecipeException big = assertThrows(RecipeException.class, () -> parse("{epochs: 2, augment: {shift: 9}}"));
        assertEquals(5, big.location().line());
        assertTrue(big.getMessage().contains("shift must be in [0, 8]"), big.getMessage());
        RecipeException typo = assertThrows(RecipeException.class, () -> parse("{epochs: 2, augment: {shfit: 1}}"));
        assertTrue(typo.getMessage().contains("shfit"), typo.getMessage());
    }

    @Test
    void clipNormAndMaxNormDefaultToOffAndAreRead() throws Exception {
        assertEquals(NormConstraints.NONE, parse("{epochs: 2}").norms());
        assertEquals(new NormConstraints(5, 3.5), parse("{epochs: 2, clip-norm: 5, max-norm: 3.5}").norms());
    }

    @Test
    void aNegativeClipNormIsLocated() {
        RecipeException e = assertThrows(RecipeException.class, () -> parse("{epochs: 2, clip-norm: -1}"));
        assertEquals(5, e.location().line());
        assertTrue(e.getMessage().contains("clip-norm must be a finite number >= 0"), e.getMessage());
    }

    @Test
    void theResolvedBodyReadsBackAsTheSameTraining() throws Exception {
        TrainSpec spec = parse("{epochs: 3, batch: 50, optimizer: {sgd: {lr: 0.03, momentum: 0.9, weight-decay: 5.0e-4}},"
                + " limit: 7, lr-schedule: {cosine: {min-lr: 1.0e-5, per: step}}, augment: {shift: 2}, clip-norm: 5,"
                + " max-norm: 3.5}");
        assertEquals(new NormConstraints(5, 3.5), spec.norms());
        ObjectMapper json = new ObjectMapper();
        assertEquals(spec, parse(json.writeValueAsString(ResolvedBodies.train(spec))));
        TrainSpec plain = parse("{epochs: 2}");
        assertEquals(plain, parse(json.writeValueAsString(ResolvedBodies.train(plain))));
    }
}
