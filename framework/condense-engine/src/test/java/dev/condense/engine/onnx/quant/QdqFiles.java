package dev.condense.engine.onnx.quant;

import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Test helpers for the QDQ rewrites: run a model proto in ONNX Runtime, read an initializer's dims. */
final class QdqFiles {
    private QdqFiles() {
    }

    /** {@code m} written to {@code dir/file} and run by ONNX Runtime (one thread) on {@code x}. */
    static INDArray run(Path dir, ModelProto m, String file, INDArray x) throws Exception {
        Path f = dir.resolve(file);
        Files.write(f, m.toByteArray());
        try (OrtRunner r = new OrtRunner(f, 1)) {
            return r.run(x);
        }
    }

    /** The dims of initializer {@code name} of {@code m}. */
    static long[] dims(ModelProto m, String name) {
        TensorProto t = m.getGraph().getInitializerList().stream().filter(i -> i.getName().equals(name))
                .findFirst().orElseThrow();
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }
}
