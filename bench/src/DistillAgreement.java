import dev.condense.api.data.DataSplit;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.MnistSource;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Issue 17, Hinton's MNIST pair: what the teacher's soft targets carry and how close students get to the teacher,
 * on the 10,000 MNIST test rows. Args: TEACHER.onnx [STUDENT.onnx ...]. For the teacher: test errors, the logits'
 * spread (mean over rows of max - min, of the standard deviation over the 10 classes, of the top - second gap) and
 * at T = 1, 4, 20 the mean top-class probability, mean second probability and mean entropy of softmax(z / T) (uniform:
 * ln 10 = 2.303 nats). For each student: test errors, errors shared with the teacher, top-1 disagreements with the
 * teacher and the mean absolute difference of the row-centered logits (what soft targets at high T match; Hinton,
 * Vinyals, Dean 2015, section 2.1).
 */
public class DistillAgreement {
    public static void main(String[] args) {
        DataSplit test = MnistSource.mnist().load(new DataOptions(null, null, 0.0, 0, 0, 0)).test();
        INDArray labels = test.labels().castTo(DataType.INT64);
        INDArray t = logits(Path.of(args[0]), test.features());
        INDArray tTop = t.argMax(1);
        System.out.printf("teacher %s: %d test errors of %d%n", args[0], errors(tTop, labels), labels.length());
        INDArray sorted = Nd4j.sort(t.dup(), 1, false);
        long c = t.size(1);
        System.out.printf("  logits: mean range %.2f, mean std over classes %.2f, mean top - second %.2f%n",
                sorted.getColumn(0).sub(sorted.getColumn(c - 1)).meanNumber().doubleValue(),
                t.std(false, 1).meanNumber().doubleValue(),
                sorted.getColumn(0).sub(sorted.getColumn(1)).meanNumber().doubleValue());
        for (double temperature : new double[] {1, 4, 20}) {
            INDArray p = Transforms.softmax(t.div(temperature), true);
            INDArray ps = Nd4j.sort(p.dup(), 1, false);
            double entropy = -p.mul(Transforms.log(p.add(1e-30), true)).sum(1).meanNumber().doubleValue();
            System.out.printf("  T %2.0f: mean top probability %.4f, mean second %.4f, mean entropy %.3f nats%n",
                    temperature, ps.getColumn(0).meanNumber().doubleValue(),
                    ps.getColumn(1).meanNumber().doubleValue(), entropy);
        }
        INDArray tCentered = t.subColumnVector(t.mean(1));
        INDArray tWrong = tTop.neq(labels);
        for (int k = 1; k < args.length; k++) {
            INDArray s = logits(Path.of(args[k]), test.features());
            INDArray sTop = s.argMax(1);
            INDArray sWrong = sTop.neq(labels);
            long shared = sWrong.castTo(DataType.INT32).mul(tWrong.castTo(DataType.INT32)).sumNumber().longValue();
            double diff = Transforms.abs(s.subColumnVector(s.mean(1)).sub(tCentered), true).meanNumber()
                    .doubleValue();
            System.out.printf("student %s: %d test errors, %d shared with the teacher, %d top-1 disagreements"
                    + " with the teacher, mean |centered logit difference| %.2f%n", args[k], errors(sTop, labels),
                    shared, sTop.neq(tTop).castTo(DataType.INT32).sumNumber().longValue(), diff);
        }
    }

    /** Logits {@code [N, C]} of {@code model} on {@code features}, in batches of 500 rows. */
    private static INDArray logits(Path model, INDArray features) {
        long n = features.size(0);
        INDArray out = null;
        try (OrtRunner ort = new OrtRunner(model, 1)) {
            for (long i = 0; i < n; i += 500) {
                INDArray z = ort.run(features.get(NDArrayIndex.interval(i, Math.min(n, i + 500))));
                if (out == null) {
                    out = Nd4j.create(DataType.FLOAT, n, z.size(1));
                }
                out.get(NDArrayIndex.interval(i, i + z.size(0)), NDArrayIndex.all()).assign(z);
            }
        }
        return out.castTo(DataType.DOUBLE);
    }

    private static long errors(INDArray predicted, INDArray labels) {
        return predicted.neq(labels).castTo(DataType.INT32).sumNumber().longValue();
    }
}
