package dev.condense.engine.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelStatsTest {

    @Test
    void countsPlantedZeros() {
        // 12 elements, 5 planted zeros (one of them -0.0)
        INDArray w = Nd4j.create(new float[] {1, 0, 2, 0, 0, 3, -4, 0, 5, 6, -0.0f, 7}, new long[] {3, 4}, DataType.FLOAT);
        INDArray b = Nd4j.create(new float[] {0, 0, 1}, new long[] {3}, DataType.FLOAT);
        ModelGraph g = ModelGraph.builder("planted")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 4}))
                .initializer("w", w).initializer("b", b)
                .mask("w", w.neq(0.0).castTo(DataType.FLOAT))
                .node(new Node("fc", "Gemm", List.of("x", "w", "b"), List.of("y"), Map.of("transB", 1L)))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 3}))
                .build();
        ModelStats s = ModelStats.of(g);
        assertEquals(2, s.tensors().size());
        ModelStats.TensorStats rw = s.tensors().get(0);
        assertEquals("w", rw.name());
        assertArrayEquals(new long[] {3, 4}, rw.shape());
        assertEquals(12, rw.denseParams());
        assertEquals(7, rw.nonzeros());
        assertEquals(1, s.tensors().get(1).nonzeros());
        assertEquals(15, s.denseParams());
        assertEquals(8, s.nonzeros());
        assertEquals(8.0 / 15, s.density(), 1e-12);
    }

    @Test
    void countsLargeTensorsExactly() {
        INDArray big = Nd4j.ones(DataType.FLOAT, 5000, 4000);
        big.getRow(17).assign(0);
        assertEquals(20_000_000L - 4000, ModelStats.nonzeros(big));
    }

    @Test
    void fileBytesIsTheSizeOnDisk(@TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("blob"), new byte[1234]);
        assertEquals(1234, ModelStats.fileBytes(f));
    }
}
