package dev.condense.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {

    private static DataOptions in(Path dir) {
        return DataOptions.defaults().withDataDir(dir);
    }

    @Test
    void readsHeaderlessAndHeadedFilesWithTheLabelColumnByName(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("train.csv"), "0,1.5,2\n1,3,4\n2,5,6\n\n1,7,8\n");
        Files.writeString(dir.resolve("test.csv"), "a,label,b\n1.0,2,2.0\n3.0,0,4.0\n");
        Dataset ds = new CsvSource().load(in(dir));
        assertEquals("csv", ds.id());
        assertEquals(3, ds.numClasses());
        assertEquals(4, ds.train().size());
        assertArrayEquals(new long[] {2, 2}, ds.test().features().shape());
        assertArrayEquals(new float[] {2, 0}, ds.test().labels().toFloatVector());
        assertArrayEquals(new float[] {3, 4}, ds.test().features().getRow(1).toFloatVector());
        assertEquals(64, ds.sha256().length());
    }

    @Test
    void seededValidationSplitAndLimitsTakeRowsFromThePermutation(@TempDir Path dir) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int r = 0; r < 20; r++) {
            text.append(r % 2).append(',').append(r).append('\n');
        }
        Files.writeString(dir.resolve("train.csv"), text);
        Files.writeString(dir.resolve("test.csv"), text);
        DataOptions options = in(dir).withSplit(0.25, 8, 5, 3);
        Dataset a = new CsvSource().load(options);
        Dataset b = new CsvSource().load(options);
        assertEquals(6, a.train().size());
        assertEquals(2, a.validation().size());
        assertEquals(5, a.test().size());
        assertEquals(a.train().features(), b.train().features());
        int[] plan = SplitPlan.of(20, 20, options).train();
        for (int i = 0; i < plan.length; i++) { // feature = file row, label = row % 2
            assertEquals(plan[i], a.train().features().getFloat(i, 0));
            assertEquals(plan[i] % 2, a.train().labels().getFloat(i));
        }
    }

    @Test
    void malformedRowsNameFileLineAndProblem(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("test.csv"), "0,1\n1,2\n");
        Files.writeString(dir.resolve("train.csv"), "0,1,2\n1,x,4\n");
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> new CsvSource().load(in(dir)));
        assertTrue(e.getMessage().contains("train.csv:2: column 2: 'x' is not a number"), e.getMessage());
        Files.writeString(dir.resolve("train.csv"), "0,1,2\n1,3\n");
        e = assertThrows(CorruptDataException.class, () -> new CsvSource().load(in(dir)));
        assertTrue(e.getMessage().contains("train.csv:2: 2 fields, but line 1 has 3"), e.getMessage());
        Files.writeString(dir.resolve("train.csv"), "0,1,2\n1.5,3,4\n");
        e = assertThrows(CorruptDataException.class, () -> new CsvSource().load(in(dir)));
        assertTrue(e.getMessage().contains("train.csv:2: column 1: label '1.5' is not a class index"), e.getMessage());
        Files.writeString(dir.resolve("train.csv"), "0,1,2\n1,3,4\n");
        e = assertThrows(CorruptDataException.class, () -> new CsvSource().load(in(dir)));
        assertTrue(e.getMessage().contains("test rows have shape [1] but training rows [2]"), e.getMessage());
    }

    @Test
    void missingDirectoryOrFileSaysWhatTheLayoutIs(@TempDir Path dir) {
        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> new CsvSource().load(DataOptions.defaults()));
        assertTrue(e.getMessage().contains("--data-dir") && e.getMessage().contains("train.csv and test.csv"), e.getMessage());
        e = assertThrows(DataUnavailableException.class, () -> new CsvSource().load(in(dir)));
        assertTrue(e.getMessage().contains("has no train.csv"), e.getMessage());
    }
}
