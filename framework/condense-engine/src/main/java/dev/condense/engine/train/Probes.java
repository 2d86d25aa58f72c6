package dev.condense.engine.train;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Data-driven views of a graph for scorers: loss gradients per parameter and intermediate activations, on seeded
 * samples of a training split. The graph is not modified.
 */
public final class Probes {
    private static final String LABEL = ClassifierLoss.LABEL;

    private Probes() {
    }

    /**
     * Mean over {@code batches} seeded mini-batches of d(loss)/d(param) for each named initializer; shapes as the
     * initializers. The loss is softmax cross-entropy averaged over the batch.
     */
    public static Map<String, INDArray> gradients(ModelGraph graph, DataSplit split, int numClasses,
                                                  Collection<String> params, int batches, int batchSize, long seed) {
        LoweredGraph lowered = SameDiffLowering.lower(graph);
        SameDiff sd = lowered.sd();
        ClassifierLoss.attach(lowered, numClasses);
        Quietly.run(sd::createGradFunction);
        ShuffledBatches it = new ShuffledBatches(split, numClasses, batchSize, batches * batchSize, seed);
        Map<String, INDArray> sum = new LinkedHashMap<>();
        int n = 0;
        List<String> names = List.copyOf(params);
        while (it.hasNext() && n < batches) {
            DataSet ds = it.next();
            Map<String, INDArray> g = sd.calculateGradients(Map.of(lowered.inputName(), ds.getFeatures(), LABEL,
                    ds.getLabels()), names);
            for (String p : names) {
                sum.merge(p, g.get(p).dup(), INDArray::addi);
            }
            n++;
        }
        for (INDArray g : sum.values()) {
            g.divi(Math.max(1, n));
        }
        return sum;
    }

    /** Values of {@code tensors} for {@code rows} seeded training rows, in inference mode. */
    public static Map<String, INDArray> activations(ModelGraph graph, DataSplit split, int numClasses,
                                                    Collection<String> tensors, int rows, long seed) {
        ShuffledBatches it = new ShuffledBatches(split, numClasses, rows, rows, seed);
        INDArray x = it.next().getFeatures();
        LoweredGraph lowered = SameDiffLowering.lower(graph);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (var e : lowered.sd().output(Map.of(lowered.inputName(), x), List.copyOf(tensors)).entrySet()) {
            out.put(e.getKey(), e.getValue().dup());
        }
        if (tensors.contains(lowered.inputName())) {
            out.put(lowered.inputName(), x);
        }
        return out;
    }
}
