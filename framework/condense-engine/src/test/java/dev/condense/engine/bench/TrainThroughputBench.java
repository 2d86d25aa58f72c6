package dev.condense.engine.bench;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainResult;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.train.LoweredGraph;
import dev.condense.engine.train.SameDiffLowering;
import dev.condense.engine.train.ShuffledBatches;
import dev.condense.engine.train.Trainer;
import dev.condense.engine.zoo.Zoo;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Training throughput of a zoo model with SameDiff ({@link Trainer}, Adam, softmax cross-entropy) on synthetic
 * MNIST-shaped data ({@code [N,1,28,28]} uniform pixels, random labels: throughput does not depend on values),
 * plus, for the MLP, the same step done by hand with ND4J ops (forward, backward GEMMs, Adam-free SGD update) as a
 * lower bound of the math itself, and a stack sampler showing where the SameDiff time goes.
 *
 * <p>Usage: {@code bench/train-throughput.sh [model] [batch] [rows] [epochs]} (defaults lenet-300-100 128 60000 2;
 * the first epoch is warm-up and excluded).
 */
public final class TrainThroughputBench {
    private TrainThroughputBench() {
    }

    public static void main(String[] args) {
        String model = args.length > 0 ? args[0] : "lenet-300-100";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 60_000;
        int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Nd4j.getRandom().setSeed(1);
        DataSplit data = new DataSplit(Nd4j.rand(DataType.FLOAT, rows, 1, 28, 28),
                Nd4j.rand(DataType.FLOAT, rows).muli(10).castTo(DataType.INT32).castTo(DataType.FLOAT));
        ModelGraph g = Zoo.build(model, 7);
        Trainer.fit(g, data, 10, new TrainSpec(1, batch, OptimizerSpec.adam(1e-3), Math.min(rows, 10 * batch)), 1,
                Trainer.CROSS_ENTROPY, List.of());
        StackSampler sampler = new StackSampler(Thread.currentThread());
        sampler.start();
        long t0 = System.nanoTime();
        TrainResult r = Trainer.fit(g, data, 10, new TrainSpec(epochs, batch, OptimizerSpec.adam(1e-3), 0), 1,
                Trainer.CROSS_ENTROPY, List.of());
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.stop();
        System.out.printf("%s batch %d: SameDiff training %.0f samples/s (%d x %d rows in %.1f s, loss %.3f)%n",
                model, batch, r.samplesPerSec(), epochs, rows, seconds, r.finalLoss());
        if (model.equals("lenet-300-100")) {
            System.out.printf("%s batch %d: hand-written ND4J step %.0f samples/s (lower bound of the math)%n",
                    model, batch, handWritten(data.features().reshape(rows, 784), batch));
        }
        sampler.print(12);
        opBreakdown(g, data, batch);
    }

    /** One epoch of the same SameDiff training setup with an {@link OpTimer} attached. */
    private static void opBreakdown(ModelGraph g, DataSplit data, int batch) {
        LoweredGraph lowered = SameDiffLowering.lower(g, true);
        SameDiff sd = lowered.sd();
        SDVariable labels = sd.placeHolder("label", DataType.FLOAT, -1, 10);
        sd.loss.softmaxCrossEntropy("loss", labels, sd.getVariable(lowered.outputName()), null);
        sd.setLossVariables("loss");
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-3))
                .dataSetFeatureMapping(lowered.inputName()).dataSetLabelMapping("label").build());
        OpTimer timer = new OpTimer();
        sd.fit(new ShuffledBatches(data, 10, batch, 0, 1), 1, timer);
        timer.print(14);
    }

    /** Samples/s of forward + backward + SGD update of 784-300-100-10 with plain ND4J ops, one pass over x. */
    private static double handWritten(INDArray x, int batch) {
        INDArray w1 = Nd4j.randn(DataType.FLOAT, 784, 300).muli(0.05);
        INDArray w2 = Nd4j.randn(DataType.FLOAT, 300, 100).muli(0.05);
        INDArray w3 = Nd4j.randn(DataType.FLOAT, 100, 10).muli(0.05);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10).putScalar(0, 1);
        long n = x.size(0) / batch * batch;
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i += batch) {
            INDArray xb = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + batch));
            INDArray h1 = Transforms.relu(xb.mmul(w1), true);
            INDArray h2 = Transforms.relu(h1.mmul(w2), true);
            INDArray d3 = Transforms.softmax(h2.mmul(w3), true).subi(y);
            INDArray d2 = d3.mmul(w3.transpose()).muli(h2.gt(0).castTo(DataType.FLOAT));
            INDArray d1 = d2.mmul(w2.transpose()).muli(h1.gt(0).castTo(DataType.FLOAT));
            w3.subi(h2.transpose().mmul(d3).muli(1e-3));
            w2.subi(h1.transpose().mmul(d2).muli(1e-3));
            w1.subi(xb.transpose().mmul(d1).muli(1e-3));
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}
