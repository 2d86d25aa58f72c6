package dev.condense.kernel.stage.encode;

import dev.condense.api.model.Codebook;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.codec.CzFormat;
import dev.condense.engine.codec.CzModel;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code model.cz} ({@link CzFormat}): every weight with a {@link Codebook} (k-means weight sharing) as
 * Huffman-coded relative-index sparse storage, everything else in the zlib-compressed ONNX skeleton. The container is
 * then read back from disk, verified and decoded, and the decoded model is what the next stage gets (an
 * {@code evaluate} after {@code encode} runs the model as {@code condense decode} restores it), with the input's
 * codebooks and masks attached again (the decoded weights equal the coded ones bit for bit, which {@code build()}
 * checks), so an {@code export} after it writes the codebook form (uint8 indices and a Gather). Reports the bytes, the storage table ({@link
 * dev.condense.engine.codec.StorageTable}) and the compression against dense float32 weights.
 *
 * Binarized weights (XNOR-Net, from a {@code quantize: {mode: binary}} stage) are stored one bit per weight
 * ({@link dev.condense.engine.codec.SignLayer}), their scales in the skeleton.
 *
 * @param clusteredBefore a {@code cluster} or binary {@code quantize} stage comes before this one (else the input
 *                        model must hold codebooks or binarized weights: checked in preview, before any work)
 */
public record EncodeStep(EncodeStageSpec spec, Path outputDir, boolean clusteredBefore) implements PlannedStage {

    private static final String NO_CODEBOOK = "encode stores weight-shared and binarized layers, and no weight has a"
            + " codebook or binary codes here: put a cluster stage (k-means weight sharing) or a quantize stage with"
            + " mode binary before encode";

    @Override
    public String kind() {
        return "encode";
    }

    @Override
    public Location location() {
        return spec.location();
    }

    /** The codebook-annotated weights of {@code g} with their index bits, in initializer order. */
    Map<String, Integer> codedLayers(ModelGraph g) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String name : g.initializers().keySet()) {
            if (g.annotation(name, Codebook.class).isPresent()) {
                boolean conv = g.consumers(name).stream().map(Node::opType).anyMatch(op -> op.equals("Conv"));
                out.put(name, conv ? spec.convBits() : spec.fcBits());
            }
        }
        return out;
    }

    @Override
    public Preview preview(ModelGraph graph) {
        if (!clusteredBefore && codedLayers(graph).isEmpty() && CzModel.binarized(graph).isEmpty()) {
            throw new RecipeException(spec.location(), NO_CODEBOOK);
        }
        return new Preview(graph, List.of("encode: weight-shared layers as Huffman-coded sparse storage"
                + " (index bits: conv " + spec.convBits() + ", fc " + spec.fcBits() + "; " + spec.codebook().id()
                + " codebooks) -> "
                + outputDir.resolve("model.cz")));
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        Map<String, Integer> layers = codedLayers(graph);
        if (layers.isEmpty() && CzModel.binarized(graph).isEmpty()) {
            throw new RecipeException(spec.location(), NO_CODEBOOK);
        }
        CzFormat.Container container = CzModel.encode(graph, layers::get, name -> spec.codebook());
        Path file = run.outputDir().resolve("model.cz");
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CzFormat.write(container, bytes);
            OnnxExporter.write(bytes.toByteArray(), file);
            CzFormat.Container back;
            try (InputStream in = Files.newInputStream(file)) {
                back = CzFormat.read(in, "model.cz");
            }
            Path decodedFile = run.context().workDir().resolve("encode-decoded.onnx");
            OnnxExporter.write(CzModel.decode(back, "model.cz"), decodedFile);
            ModelGraph.Builder decoded = new OnnxImporter().read(decodedFile).toBuilder();
            for (String name : layers.keySet()) { // the decoded weights are the coded ones bit for bit: build() checks
                decoded.annotate(name, CzModel.projected(graph.annotation(name, Codebook.class).orElseThrow(),
                        spec.codebook()));
            }
            graph.masks().forEach(decoded::mask);
            EncodeReport.report(graph, back, Files.size(file), spec.codebook(), run.context());
            return decoded.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write or read back " + file, e);
        }
    }

    @Override
    public Object resolvedBody() {
        Map<String, Object> bits = new LinkedHashMap<>();
        bits.put("conv", spec.convBits());
        bits.put("fc", spec.fcBits());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("index-bits", bits);
        body.put("codebook", spec.codebook().id());
        return body;
    }
}
