package dev.condense.plugin.prune.magnitude;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MagnitudeParamsTest {

    @Test
    void defaultsToL1AndNormalizesCase() {
        assertEquals("l1", new MagnitudeParams().norm());
        assertEquals("l1", new MagnitudeParams(null).norm());
        assertTrue(new MagnitudeParams("L2").isL2());
        assertFalse(new MagnitudeParams("l1").isL2());
    }

    @Test
    void rejectsOtherNormsNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MagnitudeParams("linf"));
        assertTrue(e.getMessage().contains("norm") && e.getMessage().contains("linf"), e.getMessage());
    }
}
