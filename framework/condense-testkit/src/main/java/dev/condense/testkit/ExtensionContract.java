package dev.condense.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.extension.Extension;
import dev.condense.api.extension.ExtensionIds;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Contract every extension meets: a kebab-case id, a one-line summary, a record params type, default params that
 * construct without error, and invalid params rejected with a message.
 *
 * @param <E> the extension type
 */
public abstract class ExtensionContract<E extends Extension<?>> {

    /** A fresh instance of the extension under test. */
    protected abstract E extension();

    /** A valid params record for the extension (usually its defaults). */
    protected abstract Record params();

    /**
     * Constructions of the params record that must be rejected (out-of-range values, unknown enum words); each must
     * throw {@link IllegalArgumentException} with a message naming the offending key. Empty by default.
     */
    protected List<Supplier<? extends Record>> invalidParams() {
        return List.of();
    }

    @Test
    void invalidParamsAreRejectedWithAMessage() {
        for (Supplier<? extends Record> bad : invalidParams()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::get,
                    "params construction was not rejected");
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank(), "rejection without a message");
        }
    }

    @Test
    void idIsShortKebabCase() {
        String id = extension().id();
        assertTrue(ExtensionIds.isValid(id), "id '" + id + "' must be kebab-case, e.g. filter-l1");
    }

    @Test
    void summaryIsOneNonBlankLine() {
        String s = extension().summary();
        assertNotNull(s);
        assertFalse(s.isBlank(), "summary is blank");
        assertFalse(s.contains("\n"), "summary must be one line");
    }

    @Test
    void paramsTypeIsARecordMatchingTheParams() {
        Class<?> type = extension().paramsType();
        assertTrue(type.isRecord(), type + " must be a record");
        assertTrue(type.isInstance(params()), "params() must be an instance of paramsType()");
    }
}
