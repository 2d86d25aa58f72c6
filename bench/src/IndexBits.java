import dev.condense.api.model.Codebook;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.codec.CodedLayer;
import dev.condense.engine.codec.CzFormat;
import dev.condense.engine.codec.CzModel;
import dev.condense.engine.codec.StorageTable;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Storage only: how many bytes each coded layer of a container takes at every relative-index width, for choosing
 * {@code encode: {index-bits}} (the weights, and so accuracy, do not depend on it). Reads a model.cz, rebuilds each
 * layer's codebook from the decoded weights, and encodes it again at 2..12 index bits.
 * Usage: bench/run.sh IndexBits runs/X/model.cz
 */
public final class IndexBits {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        CzFormat.Container c = CzFormat.read(file);
        Path onnx = Files.createTempFile("indexbits", ".onnx");
        OnnxExporter.write(CzModel.decode(c, file.toString()), onnx);
        ModelGraph g = new OnnxImporter().read(onnx);
        Files.delete(onnx);
        for (CodedLayer layer : c.layers()) {
            float[] centroids = java.util.Arrays.copyOf(layer.centroids(), layer.centroids().length + 1); // + zero
            var w = g.initializers().get(layer.name());
            float[] values = w.dup().data().asFloat();
            java.util.Map<Float, Integer> index = new java.util.HashMap<>();
            for (int j = 0; j < layer.centroids().length; j++) {
                index.put(layer.centroids()[j], j);
            }
            int[] idx = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                idx[i] = values[i] == 0f ? centroids.length - 1 : index.get(values[i]);
            }
            Codebook book = new Codebook(org.nd4j.linalg.factory.Nd4j.createFromArray(centroids),
                    org.nd4j.linalg.factory.Nd4j.createFromArray(idx).reshape(w.shape()));
            StringBuilder line = new StringBuilder(layer.name() + " (now " + layer.indexBits() + " bits):");
            for (int b = 2; b <= 12; b++) {
                CodedLayer again = CodedLayer.encode(layer.name(), w, book, layer.precision(), b);
                StorageTable.Row r = StorageTable.of(List.of(again)).rows().get(0);
                double saving = 1 - (double) (again.values().bitLength() + again.gaps().bitLength())
                        / (r.entries() * (r.weightBits() + r.indexBits()));
                line.append(String.format(" %d:%d B (%.0f%%)", b, r.huffmanBytes(), 100 * saving));
            }
            System.out.println(line);
        }
    }
}
