import dev.condense.api.data.Dataset;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.LrSchedule;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.DatasetCatalog;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.rewrite.Binarization;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.train.ProgressHook;
import dev.condense.engine.train.Trainer;
import dev.condense.engine.train.TrainingHook;
import dev.condense.engine.train.TrainingProgress;
import dev.condense.engine.train.XnorBinarization;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * XNOR-Net on LeNet-5 / MNIST (issue 14): trains the zoo LeNet-5 from scratch with binary weights in conv2 and fc1
 * and binary inputs to them (pool1, flatten), the first and last layers in float (Rastegari et al. 2016 keep them),
 * then writes the inference form (Binarization: binary weights, Sign nodes) and measures its test accuracy in ONNX
 * Runtime, next to a float LeNet-5 trained the same way. Args: EPOCHS SEED [LR [SCHEDULE [PRETRAIN [validation]]]]:
 * Adam, batch 128, no augmentation, lr schedule constant or cosine; PRETRAIN &gt; 0 first trains the float LeNet-5
 * for that many epochs (SGD as config/recipes/lenet-5.yaml) and then only the XNOR model is trained from it;
 * {@code validation} trains on 55,000 rows and measures the 5,000 held out (seeded by SEED) instead of the test set. Storage of the binarized layers at 1 bit per weight is computed, not written
 * (bit-packed storage is the Deep Compression container's, issue 15).
 */
public class XnorLenet5 {
    static final Set<String> WEIGHTS = Set.of("conv2.weight", "fc1.weight");
    static final Set<String> ACTS = Set.of("pool1", "flatten");

    public static void main(String[] a) throws Exception {
        int epochs = Integer.parseInt(a[0]);
        long seed = Long.parseLong(a[1]);
        double lr = a.length > 2 ? Double.parseDouble(a[2]) : 1e-3;
        String schedule = a.length > 3 ? a[3] : "constant";
        int pretrain = a.length > 4 ? Integer.parseInt(a[4]) : 0;
        boolean validation = a.length > 5 && a[5].equals("validation");
        DataOptions opts = validation ? DataOptions.defaults().withSplit(5000.0 / 60000, 0, 0, seed)
                : DataOptions.defaults();
        Dataset d = DatasetCatalog.standard().load("mnist", opts);
        var measured = validation ? d.validation() : d.test();
        TrainSpec spec = new TrainSpec(epochs, 128, OptimizerSpec.adam(lr), 0, schedule.equals("cosine")
                ? LrSchedule.cosine(0) : LrSchedule.constant());
        for (boolean xnor : pretrain > 0 ? new boolean[] {true} : new boolean[] {true, false}) {
            ModelGraph g = Zoo.build("lenet-5", seed);
            if (pretrain > 0) {
                // the float LeNet-5 of config/recipes/lenet-5.yaml's solver, shortened to PRETRAIN epochs
                TrainSpec f = new TrainSpec(pretrain, 64, new OptimizerSpec("sgd", 0.01, 0.9, 5e-4), 0,
                        LrSchedule.cosine(0));
                g = Trainer.fit(g, d.train(), d.numClasses(), f, seed, Trainer.CROSS_ENTROPY,
                        List.of(progress("pretrain"))).graph();
            }
            List<TrainingHook> hooks = new ArrayList<>(List.of(progress(xnor ? "xnor" : "float")));
            if (xnor) {
                hooks.add(new XnorBinarization(WEIGHTS, ACTS));
            }
            long t0 = System.nanoTime();
            var r = Trainer.fit(g, d.train(), d.numClasses(), spec, seed, Trainer.CROSS_ENTROPY, hooks);
            ModelGraph out = xnor ? Binarization.apply(r.graph(), WEIGHTS, ACTS) : r.graph();
            Path file = Files.createTempFile("xnor-lenet5", ".onnx");
            new OnnxExporter().write(out, file);
            double acc = OrtRunner.accuracy(file, measured, 256);
            String where = validation ? "validation" : "test";
            System.out.printf("%s LeNet-5, %d epochs (%s), pretrain %d, seed %d, lr %g: %s accuracy %.2f%% (error"
                            + " %.2f%%), %d %s rows, file %d bytes, %.0f s%n", xnor ? "XNOR" : "float", epochs,
                    schedule, pretrain, seed, lr, where, 100 * acc, 100 * (1 - acc), measured.size(), where,
                    Files.size(file), (System.nanoTime() - t0) / 1e9);
            if (xnor) {
                long n = WEIGHTS.stream().mapToLong(w -> out.initializers().get(w).length()).sum();
                System.out.printf("binarized layers: %d weights, %d bytes as float32, %d bytes at 1 bit + %d bytes"
                        + " of float32 scales (%.1fx smaller)%n", n, 4 * n, (n + 7) / 8,
                        4 * (out.initializers().get("conv2.weight").size(0) + out.initializers().get("fc1.weight").size(0)),
                        4.0 * n / ((n + 7) / 8 + 4 * (out.initializers().get("conv2.weight").size(0)
                                + out.initializers().get("fc1.weight").size(0))));
            }
            Files.delete(file);
        }
    }

    static TrainingHook progress(String label) {
        return new ProgressHook(new TrainingProgress() {
            public void epochStart(int e, int n, int b) { }
            public void batchDone(double loss) { }
            public void epochEnd(int e, int n, double loss, double sps) {
                System.out.printf("%s epoch %d/%d loss %.4f %.0f samples/s%n", label, e, n, loss, sps);
            }
        });
    }
}
