import dev.condense.api.data.Dataset;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.DatasetCatalog;
import dev.condense.engine.train.LoweredGraph;
import dev.condense.engine.train.SameDiffLowering;
import dev.condense.engine.train.ShuffledBatches;
import dev.condense.engine.zoo.Zoo;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/** Experiment: SameDiff fit on lenet-300-100 with no listener, to split framework overhead from ours. */
public class RawSameDiff {
    public static void main(String[] args) {
        Dataset d = DatasetCatalog.standard().load("mnist", DataOptions.defaults());
        LoweredGraph lg = SameDiffLowering.lower(Zoo.build("lenet-300-100", 1));
        SameDiff sd = lg.sd();
        var labels = sd.placeHolder("label", DataType.FLOAT, -1, 10);
        sd.loss.softmaxCrossEntropy("loss", labels, sd.getVariable(lg.outputName()), null);
        sd.setLossVariables("loss");
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-3))
                .dataSetFeatureMapping(lg.inputName()).dataSetLabelMapping("label").build());
        for (int e = 0; e < 3; e++) {
            ShuffledBatches it = new ShuffledBatches(d.train(), 10, 128, 0, e);
            long t = System.nanoTime();
            sd.fit(it, 1);
            System.out.printf("epoch %d: %.0f samples/s%n", e, 60000 / ((System.nanoTime() - t) / 1e9));
        }
        ShuffledBatches it = new ShuffledBatches(d.train(), 10, 128, 0, 9);
        long t = System.nanoTime();
        int n = 0;
        while (it.hasNext()) { it.next(); n++; }
        System.out.printf("iterator alone: %.0f samples/s%n", 60000 / ((System.nanoTime() - t) / 1e9));
    }
}
