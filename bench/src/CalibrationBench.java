import dev.condense.api.data.Dataset;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.Calibrator.Accumulator;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.DatasetCatalog;
import dev.condense.engine.quant.ActivationCalibration;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.plugin.PluginAccumulators;
import dev.condense.kernel.plugin.PluginHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Calibration time and memory: args CALIBRATOR ROWS [BATCH=128] [PLUGINS_DIR].
 *
 * <p>Calibrates every tensor a node of vgg-small (zoo, seed 1, freshly initialized) computes, over the first ROWS
 * rows of MNIST's training split, with the calibrator plugin CALIBRATOR (default params) loaded from the
 * distribution's plugins directory, through {@link ActivationCalibration} (ONNX Runtime on the float model, batches
 * of BATCH). Prints the wall time of the calibration (all passes, ranges included; the data set is loaded before the
 * clock starts), then, with the accumulators still alive and after a GC, the heap in use and the JavaCPP off-heap bytes
 * (ND4J arrays), and the process's peak RSS (VmHWM). The full training split is loaded whatever ROWS is, so memory
 * that grows with ROWS comes from calibration.
 */
public class CalibrationBench {
    public static void main(String[] args) throws Exception {
        String id = args.length > 0 ? args[0] : "entropy";
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        Path plugins = args.length > 3 ? Path.of(args[3]) : Path.of(System.getProperty("user.dir"), "distribution",
                "target", "condense-0.1.0", "plugins");
        Dataset d = DatasetCatalog.standard().load("mnist", DataOptions.defaults());
        INDArray x = d.train().features().get(NDArrayIndex.interval(0, rows), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all());
        ModelGraph g = Zoo.build("vgg-small", 1);
        try (PluginHost host = PluginHost.open(plugins, "0.1.0")) {
            Calibrator<?> c = host.registry().find(Calibrator.class, id)
                    .orElseThrow(() -> new IllegalArgumentException("no calibrator '" + id + "' in " + plugins));
            Record params = c.paramsType().getDeclaredConstructor().newInstance();
            Supplier<Accumulator> factory = PluginAccumulators.factory(c, params);
            Map<String, Accumulator> acc = new LinkedHashMap<>();
            for (Node n : g.nodes()) {
                acc.put(n.output(), factory.get());
            }
            long t0 = System.nanoTime();
            ActivationCalibration.observe(g, x, acc, batch);
            Map<String, ClipRange> ranges = new LinkedHashMap<>();
            acc.forEach((t, a) -> ranges.put(t, a.range(8, false)));
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.gc();
            Thread.sleep(200);
            System.gc();
            long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            long offHeap = org.bytedeco.javacpp.Pointer.physicalBytes();
            String last = g.nodes().get(g.nodes().size() - 1).output();
            System.out.printf("calibrator %s rows %d batch %d tensors %d passes %d: %.2f s; heap in use %.1f MB, "
                    + "physical bytes %.1f MB, peak RSS %s; last tensor %s range %s; load %s%n",
                    id, rows, batch, acc.size(), acc.values().iterator().next().passes(), seconds, heap / 1e6,
                    offHeap / 1e6, vmHwm(), last, ranges.get(last), Files.readString(Path.of("/proc/loadavg")).trim());
        }
    }

    private static String vmHwm() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .map(l -> l.replaceAll("\\s+", " ").substring(7)).findFirst().orElse("?");
    }
}
