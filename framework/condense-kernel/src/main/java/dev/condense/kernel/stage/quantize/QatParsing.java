package dev.condense.kernel.stage.quantize;

import dev.condense.api.train.TrainSpec;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.TrainParser;
import java.util.Optional;

/**
 * The {@code mode: qat} parts of a quantize body: {@code finetune} (required in qat mode, refused in the others)
 * and {@code activations: {ranges, decay}} (qat only): {@code ranges: ema} (the default, with {@code decay}) or
 * {@code learned} (LSQ step sizes; {@code decay} refused with it, located).
 */
final class QatParsing {
    private QatParsing() {
    }

    /** The {@link QatSpec} of a qat body, or null in the other modes; located errors for keys in the wrong mode. */
    static QatSpec read(NodeRef body, Optional<NodeRef> activations, String mode) {
        Optional<NodeRef> ft = body.optional("finetune");
        if (!mode.equals("qat")) {
            if (ft.isPresent()) {
                throw body.child("finetune").fail("finetune is the training of mode: qat; mode " + mode
                        + " does not train (add a train stage after it, or use mode: qat)");
            }
            return null;
        }
        if (ft.isEmpty()) {
            throw body.child("mode").fail("mode qat fine-tunes the model with fake quantization: add finetune:"
                    + " {epochs: N, ...} (a training body, as train stages take)");
        }
        TrainSpec train = TrainParser.read(ft.get());
        if (train.epochs() < 1) {
            throw ft.get().child("epochs").fail("mode qat needs at least one epoch of fine-tuning, was "
                    + train.epochs());
        }
        String ranges = activations.flatMap(a -> a.optional("ranges")).map(QatParsing::ranges).orElse("ema");
        Optional<NodeRef> decayNode = activations.flatMap(a -> a.optional("decay"));
        if (ranges.equals("learned") && decayNode.isPresent()) {
            throw decayNode.get().fail("activations.decay is the moving average of ranges: ema; ranges: learned trains"
                    + " each range's step size with the weights (LSQ) and has no decay: remove decay or use ranges: ema");
        }
        double decay = decayNode.map(NodeRef::asDouble).orElse(QatSpec.DEFAULT_DECAY);
        NodeRef at = decayNode.orElse(body);
        return at.construct(() -> new QatSpec(train, ranges, decay));
    }

    /** Located errors for qat-only activation keys in other modes, and for a calibrator in qat mode. */
    static void checkActivations(NodeRef activations, String mode) {
        if (mode.equals("qat")) {
            activations.optional("calibrator").ifPresent(c -> {
                throw c.fail("mode qat starts its activation ranges from min/max over activations.rows and then"
                        + " keeps them by moving average or trains them (ranges: ema or learned); a calibrator is for"
                        + " mode: static");
            });
            return;
        }
        for (String key : new String[] {"ranges", "decay"}) {
            activations.optional(key).ifPresent(n -> {
                throw n.fail("activations." + key + " is for mode: qat (ranges kept during training); mode " + mode
                        + " has none");
            });
        }
    }

    private static String ranges(NodeRef n) {
        String r = n.asText();
        if (!QatSpec.RANGES.contains(r)) {
            throw n.fail("unknown ranges " + Quote.single(r) + "; available: " + String.join(", ", QatSpec.RANGES));
        }
        return r;
    }
}
