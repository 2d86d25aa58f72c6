package dev.condense.cli;

import dev.condense.engine.codec.CzFormat;
import dev.condense.engine.codec.CzModel;
import dev.condense.engine.onnx.OnnxExporter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code condense decode model.cz -o model.onnx}: restores the ONNX model a container stores, float32 weights bit for
 * bit the encoded ones. The container is read and verified completely (its SHA-256 included) before anything is
 * written, and the output is written through a temporary file and an atomic move: a damaged container exits with 2
 * and writes nothing.
 */
@Command(name = "decode", description = "Restore the ONNX model stored in a model.cz container (exit 2 and nothing"
        + " written when the container is damaged).")
final class DecodeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CONTAINER", description = "A model.cz file written by an encode stage.")
    Path container;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "MODEL", description = "The ONNX file to write.")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CzFormat.Container c = CzFormat.read(container);
        byte[] onnx = CzModel.decode(c, container.toString());
        OnnxExporter.write(onnx, output);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "decoded %s (%d coded layers) -> %s (%,d bytes)%n", container, c.layers().size(),
                output, onnx.length);
        out.flush();
        return 0;
    }
}
