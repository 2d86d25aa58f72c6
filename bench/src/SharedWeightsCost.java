import dev.condense.api.model.Codebook;
import dev.condense.engine.train.SharedWeights;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cost of one shared-weight projection (the per-step work of the cluster stage's fine-tuning) on a weight of
 * LeNet-300-100's fc1 size. Usage: bench/run.sh SharedWeightsCost [ROWS COLS CLUSTERS REPEATS]
 */
public final class SharedWeightsCost {
    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int cols = args.length > 1 ? Integer.parseInt(args[1]) : 784;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        Random random = new Random(1);
        int[] idx = new int[rows * cols];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = random.nextInt(k);
        }
        Codebook book = new Codebook(Nd4j.rand(DataType.FLOAT, k), Nd4j.createFromArray(idx).reshape(rows, cols));
        INDArray w = book.weights();
        SharedWeights.Projection p = SharedWeights.projection(book);
        for (int i = 0; i < 5; i++) {
            p.apply(w);
        }
        long start = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            p.apply(w);
        }
        double projection = (System.nanoTime() - start) / 1e6 / repeats;
        INDArray x = Nd4j.rand(DataType.FLOAT, 128, cols);
        INDArray wt = Nd4j.rand(DataType.FLOAT, cols, rows);
        for (int i = 0; i < 5; i++) {
            x.mmul(wt);
        }
        start = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            x.mmul(wt);
        }
        double gemm = (System.nanoTime() - start) / 1e6 / repeats;
        System.out.printf("weight [%d, %d], %d clusters: %.3f ms per projection; the layer's forward gemm at batch 128:"
                + " %.3f ms%n", rows, cols, k, projection, gemm);
    }
}
