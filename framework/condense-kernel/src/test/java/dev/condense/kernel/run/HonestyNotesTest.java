package dev.condense.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.zoo.Zoo;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** The channel-block note names exactly the convs whose output channel count is off a multiple of 16. */
class HonestyNotesTest {

    @Test
    void blockAlignedConvsGiveNoNote() {
        // vgg-small: 16 / 32 / 32 / 64 filters
        assertEquals(Optional.empty(), HonestyNotes.channelBlocks(Zoo.build("vgg-small", 1)));
    }

    @Test
    void offBlockConvsAreNamedWithTheirCounts() {
        ModelGraph g = Zoo.build("vgg-small", 1).toBuilder()
                .initializer("b1.conv1.weight", Nd4j.zeros(DataType.FLOAT, 12, 1, 3, 3))
                .initializer("b2.conv2.weight", Nd4j.zeros(DataType.FLOAT, 45, 32, 3, 3)).build();
        String note = HonestyNotes.channelBlocks(g).orElseThrow();
        assertTrue(note.contains("b1.conv1.weight 12, b2.conv2.weight 45"), note);
        assertTrue(!note.contains("b1.conv2.weight") && note.contains("multiples of 16"), note);
    }
}
