package dev.condense.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every zoo model survives export -> import -> export with ONNX Runtime outputs equal within 1e-5. */
class ZooRoundTripTest {
    @TempDir
    Path dir;

    static java.util.Set<String> models() {
        return Zoo.ids();
    }

    @ParameterizedTest
    @MethodSource("models")
    void importThenExportKeepsOnnxRuntimeOutputs(String id) throws Exception {
        ModelGraph g = Zoo.build(id, 3);
        Path first = dir.resolve(id + ".onnx");
        Path second = dir.resolve(id + "-again.onnx");
        new OnnxExporter().write(g, first);
        new OnnxExporter().write(new OnnxImporter().read(first), second);
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(5), 4, 1, 28, 28).castTo(DataType.FLOAT);
        try (OrtRunner a = new OrtRunner(first); OrtRunner b = new OrtRunner(second)) {
            INDArray ya = a.run(x);
            INDArray yb = b.run(x);
            assertTrue(ya.equalsWithEps(yb, 1e-5), id + ": outputs differ after the round trip");
        }
    }
}
