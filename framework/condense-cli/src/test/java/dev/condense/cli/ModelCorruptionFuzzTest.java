package dev.condense.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.zoo.Zoo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

/**
 * Seeded corruption fuzz of model import: {@value #MUTANTS} mutants of five source models, the zoo models lenet-300-100,
 * lenet-5, resnet-20-small and vgg-small (exported with {@link OnnxExporter}) and the PyTorch-exported MobileNetV3
 * fixture of the engine's tests ({@link #MOBILENET}: HardSwish, HardSigmoid, Resize, ConvTranspose, Slice, Squeeze,
 * Cast, Constant nodes), each corrupted by {@link ModelMutator} each go through {@code condense inspect} in-process,
 * with the CLI's {@link ErrorReporter}. Each must either exit 2 with one line "error: invalid model: FILE: ..."
 * naming a node, a graph value or the field at fault, or exit 0 and then also load and run in ONNX Runtime (one
 * batch of the declared input shape, dynamic dimensions 1). Anything else (exit 1, a stack trace, an exception
 * escaping) fails the test, which lists the first failures with their mutation kind.
 */
class ModelCorruptionFuzzTest {
    static final int MUTANTS = 1200;
    static final long SEED = 12;
    /** The engine's MobileNetV3 fixture (tests run in the module directory). */
    static final Path MOBILENET = Path.of("../condense-engine/src/test/resources/models/mobilenetv3_tiny.onnx");
    /** What an exit-2 message must name: a node, a graph value or tensor, or a model field. */
    private static final Pattern LOCATED = Pattern.compile(".*(node '|node name '|graph (input|output|value) '"
            + "|initializer|tensor '|opset|IR version|protobuf|no graph|graph output|attribute).*");

    @TempDir
    Path dir;

    @Test
    void everyMutantIsACleanErrorOrAModelOnnxRuntimeRuns() throws Exception {
        List<ModelProto> bases = new ArrayList<>();
        for (String id : List.of("lenet-300-100", "lenet-5", "resnet-20-small", "vgg-small")) {
            bases.add(new OnnxExporter().toProto(Zoo.build(id, 1)));
        }
        bases.add(ModelProto.parseFrom(Files.readAllBytes(MOBILENET)));
        ModelMutator mutator = new ModelMutator(SEED);
        Random pick = new Random(SEED + 1);
        ModelMutator.Kind[] kinds = ModelMutator.Kind.values();
        Map<ModelMutator.Kind, int[]> outcomes = new EnumMap<>(ModelMutator.Kind.class); // {rejected, accepted}
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < MUTANTS; i++) {
            ModelMutator.Kind kind = kinds[i % kinds.length];
            // vgg-small is the largest model (and the slowest to run in ORT): one mutant in eight; MobileNetV3 (the
            // most op types) one in four; the three small zoo models the rest
            int slot = pick.nextInt(8);
            ModelProto base = bases.get(slot == 0 ? 3 : slot <= 2 ? 4 : pick.nextInt(3));
            Path file = dir.resolve("m" + i + "-" + kind + ".onnx");
            Files.write(file, mutator.mutate(base, kind));
            String failure = check(file, outcomes.computeIfAbsent(kind, k -> new int[2]));
            if (failure != null) {
                failures.add(kind + " " + file.getFileName() + ": " + failure);
            }
            Files.delete(file);
        }
        outcomes.forEach((k, v) -> System.out.printf("%-16s rejected %4d accepted %4d%n", k, v[0], v[1]));
        assertTrue(failures.isEmpty(), failures.size() + " of " + MUTANTS + " mutants failed; first: "
                + String.join("\n", failures.subList(0, Math.min(15, failures.size()))));
    }

    /** Null when {@code file} is handled correctly, else what went wrong. */
    private static String check(Path file, int[] outcome) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try {
            CommandLine cli = new CommandLine(new CondenseMain()).setExecutionExceptionHandler(new ErrorReporter());
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            code = cli.execute("inspect", file.toString());
        } catch (RuntimeException | StackOverflowError e) {
            return "escaped: " + e;
        }
        String msg = err.toString().strip();
        if (code == 2) {
            outcome[0]++;
            if (msg.contains("\n") || !msg.startsWith("error: invalid model: ") || !msg.contains(file.toString())
                    || !LOCATED.matcher(msg).matches()) {
                return "exit 2 but not one located line: " + msg;
            }
            return null;
        }
        if (code != 0) {
            return "exit " + code + ": " + msg;
        }
        outcome[1]++;
        try {
            ModelGraph g = new OnnxImporter().read(file);
            Map<String, INDArray> feed = new LinkedHashMap<>();
            for (ValueInfo v : g.inputs()) {
                long[] shape = v.shape().clone();
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = shape[d] < 0 ? 1 : shape[d];
                }
                feed.put(v.name(), v.type() == ValueInfo.ElementType.INT64 ? Nd4j.zeros(DataType.INT64, shape)
                        : Nd4j.rand(DataType.FLOAT, shape));
            }
            try (OrtRunner ort = new OrtRunner(file)) {
                ort.runAll(feed);
            }
            return null;
        } catch (RuntimeException e) {
            return "accepted by inspect, but ONNX Runtime: " + String.valueOf(e).lines().findFirst().orElse("");
        }
    }
}
