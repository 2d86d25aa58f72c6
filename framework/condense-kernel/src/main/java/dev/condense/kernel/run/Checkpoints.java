package dev.condense.kernel.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.kernel.plugin.FileTrees;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The checkpoint a run stores after each completed stage, in {@code .checkpoint/} of its partial directory: the graph
 * as ONNX (float32 raw data, so it round-trips bit for bit; activations written float, their quantization in
 * {@link CheckpointActivations#FILE}, since the importer reads no QuantizeLinear), its masks in ND4J's binary format, and the run state
 * (completed stage count, stage reports, evaluations, the plan's hash). A checkpoint is written to
 * {@code .checkpoint.new/} and renamed over the old one, so a kill leaves either the old or the new one, whole.
 */
final class Checkpoints {
    private static final String DIR = ".checkpoint";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoints() {
    }

    /** What a checkpoint restores. */
    record Saved(ModelGraph graph, RunState state) {
    }

    static boolean exists(Path partial) {
        return Files.isRegularFile(partial.resolve(DIR).resolve("state.json"));
    }

    static void save(Path partial, ModelGraph graph, RunState state) throws IOException {
        Path fresh = partial.resolve(DIR + ".new");
        FileTrees.deleteQuietly(fresh);
        Files.createDirectories(fresh);
        ModelGraph.Builder floatActivations = graph.toBuilder();
        graph.activationQuantization().keySet().forEach(floatActivations::removeActivationQuantization);
        new OnnxExporter().write(floatActivations.build(), fresh.resolve("graph.onnx"));
        CheckpointActivations.write(graph, fresh.resolve(CheckpointActivations.FILE));
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(fresh.resolve("masks.bin"))))) {
            out.writeInt(graph.masks().size());
            for (var m : graph.masks().entrySet()) {
                out.writeUTF(m.getKey());
                Nd4j.write(m.getValue(), out);
            }
        }
        JSON.writeValue(fresh.resolve("state.json").toFile(), state);
        Path current = partial.resolve(DIR);
        Path old = partial.resolve(DIR + ".old");
        FileTrees.deleteQuietly(old);
        if (Files.exists(current)) {
            Files.move(current, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(fresh, current, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(fresh, current);
        }
        FileTrees.deleteQuietly(old);
    }

    static Optional<Saved> load(Path partial) throws IOException {
        Path dir = partial.resolve(DIR);
        if (!exists(partial)) {
            return Optional.empty();
        }
        ModelGraph.Builder g = new OnnxImporter().read(dir.resolve("graph.onnx")).toBuilder();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(dir.resolve("masks.bin"))))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                INDArray mask = Nd4j.read(in);
                g.mask(name, mask);
            }
        }
        CheckpointActivations.read(dir.resolve(CheckpointActivations.FILE), g);
        RunState state = JSON.readValue(dir.resolve("state.json").toFile(), new TypeReference<RunState>() { });
        return Optional.of(new Saved(g.build(), state));
    }

    /** Removes the checkpoint before the output is committed. */
    static void discard(Path partial) {
        FileTrees.deleteQuietly(partial.resolve(DIR));
    }

}
