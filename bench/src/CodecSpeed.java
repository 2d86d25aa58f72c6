import dev.condense.api.model.Codebook;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.codec.CzFormat;
import dev.condense.engine.codec.CzModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Encode plus decode time of a model with about 1M codebook weights (issue 15: under 1 s): one Gemm [1000, 1000],
 * the given share pruned, the rest on 31 shared values (5 bits). Encode = CzModel.encode + CzFormat.write; decode =
 * CzFormat.read (digest checked) + CzModel.decode (the ONNX bytes). Median of ROUNDS after two warm-up rounds.
 * Usage: bench/run.sh CodecSpeed [PRUNED ROUNDS], e.g. bench/run.sh CodecSpeed 0.9 7
 */
public final class CodecSpeed {
    public static void main(String[] args) throws Exception {
        double pruned = args.length > 0 ? Double.parseDouble(args[0]) : 0.9;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int n = 1000;
        Random random = new Random(1);
        int[] idx = new int[n * n];
        for (int i = 0; i < idx.length; i++) { // pruned -> the zero (index 31); else a Gaussian-ish centroid
            idx[i] = random.nextDouble() < pruned ? 31 : (int) Math.min(30, Math.abs(random.nextGaussian() * 8));
        }
        float[] centroids = new float[32];
        for (int j = 0; j < 31; j++) {
            centroids[j] = (j % 2 == 0 ? 1 : -1) * (0.01f + 0.01f * j);
        }
        Codebook book = new Codebook(Nd4j.createFromArray(centroids), Nd4j.createFromArray(idx).reshape(n, n));
        ModelGraph g = ModelGraph.builder("codec-speed")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, n}))
                .initializer("w", book.weights()).annotate("w", book)
                .initializer("b", Nd4j.zeros(DataType.FLOAT, n))
                .node(new Node("fc", "Gemm", List.of("x", "w", "b"), List.of("y"), Map.of("transB", 1L)))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, n}))
                .build();
        double[] encode = new double[rounds];
        double[] decode = new double[rounds];
        int bytes = 0;
        for (int r = -2; r < rounds; r++) {
            long t0 = System.nanoTime();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CzFormat.write(CzModel.encode(g, name -> 5), out);
            long t1 = System.nanoTime();
            byte[] onnx = CzModel.decode(CzFormat.read(new ByteArrayInputStream(out.toByteArray()), "bench.cz"),
                    "bench.cz");
            long t2 = System.nanoTime();
            bytes = out.size();
            if (r >= 0) {
                encode[r] = (t1 - t0) / 1e6;
                decode[r] = (t2 - t1) / 1e6;
            }
            if (onnx.length < 4 * n * n) {
                throw new IllegalStateException("decoded model too small");
            }
        }
        java.util.Arrays.sort(encode);
        java.util.Arrays.sort(decode);
        System.out.printf("1,000,000 weights, %.0f%% pruned, 5 bits: container %,d bytes; encode %.0f ms, decode %.0f ms,"
                + " together %.0f ms (medians of %d)%n", 100 * pruned, bytes, encode[rounds / 2], decode[rounds / 2],
                encode[rounds / 2] + decode[rounds / 2], rounds);
    }
}
