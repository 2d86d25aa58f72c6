package dev.condense.kernel.run;

import dev.condense.api.model.ActivationQuantization;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The activation quantizations of a checkpointed graph, beside its ONNX file (which holds the activations float):
 * a count, then per tensor its name, whether it is dynamic, and for a static one its scale (float32 bits), zero
 * point, bits and signedness. A checkpoint without the file (older runs) has none.
 */
final class CheckpointActivations {
    static final String FILE = "activations.bin";

    private CheckpointActivations() {
    }

    static void write(ModelGraph graph, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(graph.activationQuantization().size());
            for (var e : graph.activationQuantization().entrySet()) {
                out.writeUTF(e.getKey());
                AffineQuantization a = e.getValue().affine();
                out.writeBoolean(a == null);
                if (a != null) {
                    out.writeFloat(a.scale().getFloat(0));
                    out.writeLong(a.zeroPoint().getLong(0));
                    out.writeInt(a.bits());
                    out.writeBoolean(a.signed());
                }
            }
        }
    }

    static void read(Path file, ModelGraph.Builder g) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                if (in.readBoolean()) {
                    g.quantizeActivation(name, ActivationQuantization.dynamic());
                } else {
                    float scale = in.readFloat();
                    long zp = in.readLong();
                    int bits = in.readInt();
                    boolean signed = in.readBoolean();
                    g.quantizeActivation(name, ActivationQuantization.calibrated(
                            AffineQuantization.perTensor(scale, zp, bits, signed)));
                }
            }
        }
    }
}
