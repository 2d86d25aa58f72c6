package dev.condense.cli;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.codec.CzFormat;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.stats.LayerSummary;
import dev.condense.engine.text.Quote;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.stage.prune.PrunableLayers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code condense inspect MODEL}: one line per layer (node, the layer name recipes select it by
 * ({@link PrunableLayers#byNode}), op, weight shape, parameters, nonzeros, MACs per sample,
 * bytes as dense float32) and the totals. MODEL is {@code zoo:<id>} (built with seed 0) or an ONNX file; a file that
 * is not a readable ONNX model exits with 2.
 */
@Command(name = "inspect", description = "Print each layer of a model (shape, parameters, nonzeros, MACs per sample,"
        + " float32 bytes) and the totals.")
final class InspectCommand implements Callable<Integer> {
    static final String ZOO_PREFIX = "zoo:";

    @Parameters(paramLabel = "MODEL", description = "zoo:<id> (e.g. zoo:lenet-5), a path to an .onnx file, or a model.cz container.")
    String model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!model.startsWith(ZOO_PREFIX) && CzFormat.isContainer(Path.of(model))) {
            ContainerInspect.print(Path.of(model), spec.commandLine().getOut());
            return 0;
        }
        ModelGraph g = model.startsWith(ZOO_PREFIX) ? zoo(model.substring(ZOO_PREFIX.length()))
                : new OnnxImporter().read(Path.of(model));
        LayerSummary s = LayerSummary.of(g);
        Map<String, String> recipeNames = PrunableLayers.byNode(g);
        PrintWriter out = spec.commandLine().getOut();
        out.println("model " + model + " (graph '" + g.name() + "'), inputs: " + String.join(", ",
                g.inputs().stream().map(v -> v.name() + " " + Arrays.toString(v.shape())).toList()));
        int nodeWidth = Math.min(60, Math.max(22, s.layers().stream().mapToInt(r -> r.node().length()).max().orElse(0)));
        int nameWidth = Math.min(60, Math.max(22, recipeNames.values().stream().mapToInt(String::length).max().orElse(0)));
        String fmt = "%-" + nodeWidth + "s %-" + nameWidth + "s %-18s %-16s %12s %12s %14s %12s%n";
        out.printf(Locale.ROOT, fmt, "node", "recipe name", "op", "weight shape", "params", "nonzeros", "MACs/sample",
                "bytes f32");
        for (LayerSummary.Row r : s.layers()) {
            out.printf(Locale.ROOT, fmt, r.node(), recipeNames.getOrDefault(r.node(), "-"), r.opType(),
                    Arrays.toString(r.shape()).replace(" ", ""), group(r.params()), group(r.nonzeros()),
                    group(r.macs()), group(r.float32Bytes()));
        }
        out.printf(Locale.ROOT, fmt, "total", "", "", "", group(s.params()), group(s.nonzeros()), group(s.macs()),
                group(s.float32Bytes()));
        out.println("recipe name: what prune sparsity selectors, include and exclude match (the weight's name); "
                + "'-' for layers a prune stage does not touch");
        out.printf(Locale.ROOT, "density %.4f (%s of %s parameters nonzero); MACs exclude biases, activations and pooling%n",
                s.params() == 0 ? 0.0 : (double) s.nonzeros() / s.params(), group(s.nonzeros()), group(s.params()));
        out.flush();
        return 0;
    }

    /** The zoo model {@code id} with seed 0; an unknown id is bad usage (exit 2), listing the known ones. */
    private ModelGraph zoo(String id) {
        if (!Zoo.ids().contains(id)) {
            throw new ParameterException(spec.commandLine(), "unknown zoo model " + Quote.single(id) + "; known: "
                    + String.join(", ", Zoo.ids()));
        }
        return Zoo.build(id, 0);
    }

    private static String group(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
