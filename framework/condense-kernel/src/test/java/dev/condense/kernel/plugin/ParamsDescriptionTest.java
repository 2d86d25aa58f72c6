package dev.condense.kernel.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.prune.Granularity;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The params convention of {@code plugins info}: defaults, allowed values and ranges read from the record. */
class ParamsDescriptionTest {

    /** Defaults by the no-arg constructor, allowed values by a Set, a range by MIN_/MAX_, an enum. */
    public record Knobs(String norm, double keepRatio, Granularity unit) {
        public static final Set<String> NORMS = Set.of("l2", "l1");
        public static final double MIN_KEEP_RATIO = 0.0;
        public static final double MAX_KEEP_RATIO = 1.0;

        public Knobs() {
            this("l1", 0.5, Granularity.NEURON);
        }
    }

    /** No no-arg constructor. */
    public record Bare(int steps) {
    }

    @Test
    void readsDefaultsAllowedValuesAndRanges() {
        ParamsDescription d = ParamsDescription.of(Knobs.class);
        assertEquals("", d.note());
        List<ParamsDescription.Param> p = d.params();
        assertEquals(new ParamsDescription.Param("norm", "String", "l1", "one of l1, l2"), p.get(0));
        assertEquals(new ParamsDescription.Param("keepRatio", "double", "0.5", "[0.0, 1.0]"), p.get(1));
        assertEquals("NEURON", p.get(2).defaultValue());
        assertTrue(p.get(2).allowed().contains("ELEMENT") && p.get(2).allowed().contains("CHANNEL"), p.get(2).allowed());
    }

    @Test
    void saysSoWhenThereAreNoDefaults() {
        ParamsDescription d = ParamsDescription.of(Bare.class);
        assertNull(d.params().get(0).defaultValue());
        assertTrue(d.note().contains("no public no-arg constructor"), d.note());
    }
}
