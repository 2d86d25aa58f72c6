package dev.condense.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.zoo.Zoo;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The channel-block note names exactly the convs whose output channel count is off a multiple of 16; the
 * quantized-but-float note appears only for quantized weights that ORT ran with no integer kernel.
 */
class HonestyNotesTest {

    @Test
    void blockAlignedConvsGiveNoNote() {
        // vgg-small: 16 / 32 / 32 / 64 filters
        ModelGraph g = Zoo.build("vgg-small", 1);
        assertEquals(Optional.empty(), HonestyNotes.channelBlocks(g, g));
    }

    @Test
    void offBlockConvsTheRunDidNotChangeAreNotNamed() {
        // resnet-20-small's stem and stage 1 are 8 channels wide: the model's own design, not something a run did
        ModelGraph g = Zoo.build("resnet-20-small", 1);
        assertEquals(Optional.empty(), HonestyNotes.channelBlocks(g, g));
    }

    @Test
    void offBlockConvsAreNamedWithTheirCounts() {
        ModelGraph g = Zoo.build("vgg-small", 1).toBuilder()
                .initializer("b1.conv1.weight", Nd4j.zeros(DataType.FLOAT, 12, 1, 3, 3))
                .initializer("b2.conv2.weight", Nd4j.zeros(DataType.FLOAT, 45, 32, 3, 3)).build();
        String note = HonestyNotes.channelBlocks(Zoo.build("vgg-small", 1), g).orElseThrow();
        assertTrue(note.contains("b1.conv1.weight 16 -> 12, b2.conv2.weight 64 -> 45"), note);
        assertTrue(!note.contains("b1.conv2.weight") && note.contains("multiples of 16"), note);
    }

    @Test
    void quantizedWeightsRunInFloatAreSaidSo() {
        ModelGraph plain = Zoo.build("lenet-300-100", 1);
        var w = plain.initializers().get("fc1.weight");
        var q = dev.condense.api.model.AffineQuantization.symmetric(w, 8);
        ModelGraph quantized = plain.toBuilder().initializer("fc1.weight", q.project(w)).annotate("fc1.weight", q)
                .build();
        var floatOnly = java.util.List.<java.util.Map<String, Object>>of(
                java.util.Map.of("ort_integer_kernels", 0, "ort_float_kernels", 3));
        var integer = java.util.List.<java.util.Map<String, Object>>of(
                java.util.Map.of("ort_integer_kernels", 3, "ort_float_kernels", 0));
        String note = HonestyNotes.quantizedButFloat(quantized, floatOnly).orElseThrow();
        assertTrue(note.contains("runs no integer kernel (3 float Conv/Gemm/MatMul kernels)"), note);
        assertEquals(Optional.empty(), HonestyNotes.quantizedButFloat(quantized, integer));
        assertEquals(Optional.empty(), HonestyNotes.quantizedButFloat(plain, floatOnly));
    }
}
