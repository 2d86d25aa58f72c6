package dev.condense.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetCatalogTest {

    @Test
    void knowsMnistAndRejectsUnknownIdsListingKnownOnes() {
        DatasetCatalog catalog = DatasetCatalog.standard();
        assertEquals(Set.of("mnist", "fashion-mnist", "idx", "csv", "npy", "esnli"), catalog.ids());
        assertEquals("mnist", catalog.get("mnist").id());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> catalog.get("cifar-10"));
        assertTrue(e.getMessage().contains("cifar-10") && e.getMessage().contains("mnist"), e.getMessage());
    }

    @Test
    void duplicateIdsAreRejected() {
        MnistSource a = MnistSource.mnist();
        assertThrows(IllegalArgumentException.class, () -> new DatasetCatalog(List.of(a, MnistSource.mnist())));
        assertSame(a, new DatasetCatalog(List.of(a)).get("mnist"));
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> DataOptions.defaults().withSplit(0.5, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> DataOptions.defaults().withSplit(-0.1, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> DataOptions.defaults().withSplit(0.1, -1, 0, 1));
        assertTrue(DataOptions.defaults().cacheDir() != null);
    }
}
