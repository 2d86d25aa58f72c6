import dev.condense.api.data.Dataset;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.DatasetCatalog;
import dev.condense.engine.train.PlanProfile;
import dev.condense.engine.train.ProgressHook;
import dev.condense.engine.train.Trainer;
import dev.condense.engine.train.TrainingProgress;
import dev.condense.engine.zoo.Zoo;
import java.util.List;

/**
 * Training throughput (samples/s) of a zoo model on MNIST: args MODEL EPOCHS BATCH [ROWS per epoch, 0 = all]. With
 * {@code BENCH_JAVA_OPTS="-Xmx6g -Dcondense.plan.profile=true"} it also prints the wall time per op of the last
 * epoch's planned steps (the profile adds a clock read per op). Each epoch line also gives samples per second of the
 * process's CPU time (all threads), which a loaded machine inflates far less than wall time.
 */
public class TrainThroughput {
    /** CPU time of the whole process (every thread: training, GC, JIT), nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) {
        String model = args.length > 0 ? args[0] : "lenet-300-100";
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int limit = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        Dataset d = DatasetCatalog.standard().load("mnist", DataOptions.defaults());
        ModelGraph g = Zoo.build(model, 1);
        TrainSpec spec = new TrainSpec(epochs, batch, OptimizerSpec.adam(1e-3), limit);
        long[] cpuStart = new long[2];
        var r = Trainer.fit(g, d.train(), d.numClasses(), spec, 1, Trainer.CROSS_ENTROPY,
                List.of(new ProgressHook(new TrainingProgress() {
            public void epochStart(int e, int n, int b) {
                cpuStart[0] = processCpuNanos();
                cpuStart[1] = System.nanoTime();
            }
            public void batchDone(double loss) { }
            public void epochEnd(int e, int n, double loss, double sps) {
                if (e < n) {
                    PlanProfile.reset();
                }
                double cpuPerWall = (processCpuNanos() - cpuStart[0]) / (double) (System.nanoTime() - cpuStart[1]);
                System.out.printf("epoch %d/%d loss %.4f %.0f samples/s, %.0f samples per CPU second%n", e, n, loss, sps,
                        sps / cpuPerWall);
            }
        })));
        System.out.printf("%s batch %d: %.0f samples/s over %d epochs%n", model, batch, r.samplesPerSec(), epochs);
        if (Boolean.getBoolean("condense.plan.profile")) { // per-op CPU time of the last epoch's planned steps
            System.out.print(PlanProfile.table());
        }
    }
}
