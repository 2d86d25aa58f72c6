package dev.condense.kernel.recipe;

import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.kernel.stage.cluster.ClusterStageSpec;
import dev.condense.engine.codec.CentroidPrecision;
import dev.condense.kernel.stage.encode.EncodeStageSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster and encode stages' defaults, options and located errors (issue 15). */
class DeepCompressionStageParsingTest {
    private static final String HEADER = "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist}\nstages:\n";

    @TempDir
    Path dir;

    private Path withStage(String stage) {
        return write(dir, "r.yaml", HEADER + "  - " + stage + "\n");
    }

    private Object stage(String stage) {
        return RecipeLoader.load(withStage(stage)).stages().get(0);
    }

    @Test
    void bareStagesTakeThePapersBitsAndKmeans() {
        ClusterStageSpec c = assertInstanceOf(ClusterStageSpec.class, stage("cluster"));
        assertEquals("kmeans", c.quantizer().id());
        assertEquals(8, c.convBits());
        assertEquals(5, c.fcBits());
        assertNull(c.finetune());
        EncodeStageSpec e = assertInstanceOf(EncodeStageSpec.class, stage("encode"));
        assertEquals(8, e.convBits());
        assertEquals(5, e.fcBits());
        assertEquals(CentroidPrecision.FLOAT32, e.codebook());
    }

    @Test
    void readsEveryOption() {
        ClusterStageSpec c = assertInstanceOf(ClusterStageSpec.class, stage("cluster: {quantizer: {kmeans: {init:"
                + " density}}, bits: {conv: 7, fc: 4}, layers: {exclude: [fc2.weight]}, finetune: {epochs: 2}}"));
        assertEquals(7, c.convBits());
        assertEquals(4, c.fcBits());
        assertEquals(2, c.finetune().epochs());
        assertFalse(c.layers().test("fc2.weight"));
        assertTrue(c.layers().test("fc1.weight"));
        ClusterStageSpec same = assertInstanceOf(ClusterStageSpec.class, stage("cluster: {bits: 3}"));
        assertEquals(3, same.convBits());
        assertEquals(3, same.fcBits());
        EncodeStageSpec e = assertInstanceOf(EncodeStageSpec.class, stage("encode: {index-bits: 12}"));
        assertEquals(12, e.convBits());
        assertEquals(12, e.fcBits());
        EncodeStageSpec half = assertInstanceOf(EncodeStageSpec.class,
                stage("encode: {index-bits: {conv: 6, fc: 8}, codebook: float16}"));
        assertEquals(6, half.convBits());
        assertEquals(8, half.fcBits());
        assertEquals(CentroidPrecision.FLOAT16, half.codebook());
    }

    @Test
    void rejectsBadBitsWhereTheyAreWritten() {
        Path r = dir.resolve("r.yaml");
        assertError(() -> RecipeLoader.load(withStage("cluster: {bits: 0}")), r, 5, 21, "bits must be in [1, 8]",
                "was 0");
        assertError(() -> RecipeLoader.load(withStage("cluster: {bits: {fc: 17}}")), r, 5, 26,
                "bits must be in [1, 8]", "was 17");
        assertError(() -> RecipeLoader.load(withStage("cluster: {bits: {dense: 4}}")), r, 5, 22, "unknown key 'dense'");
        assertError(() -> RecipeLoader.load(withStage("encode: {index-bits: 0}")), r, 5, 26, "0");
        assertError(() -> RecipeLoader.load(withStage("encode: {index-bits: {conv: 17}}")), r, 5, 33, "17");
        assertError(() -> RecipeLoader.load(withStage("encode: {codec: zip}")), r, 5, 14, "unknown key 'codec'");
        assertError(() -> RecipeLoader.load(withStage("encode: {codebook: float8}")), r, 5, 24,
                "codebook must be one of [float32, float16], not 'float8'");
    }
}
