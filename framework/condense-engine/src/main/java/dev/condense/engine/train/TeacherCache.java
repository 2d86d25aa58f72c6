package dev.condense.engine.train;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Distillation's cached teacher (issue 17): the teacher's logits and tapped tensors are computed once per training
 * row by ONNX Runtime (the teacher exported with the tapped tensors added as graph outputs, so any ONNX teacher
 * runs, whatever SameDiff can lower) and stored by row id in a memory-mapped {@link TeacherCacheFile}; every later
 * visit of the row reads them back instead of running the teacher. A batch's rows not stored yet (all of them in
 * the first epoch, some in later ones when an epoch visits a subset) are computed in one ONNX Runtime run and stored
 * first, and the batch is then read from the file, so every epoch feeds the same bytes.
 *
 * <p>Memory: the file, not the heap: {@code rows x (C + sum of the taps' per-row sizes) x 4} bytes. Valid only when
 * a row id stands for the same features at every visit (no augmentation); the caller decides. ONNX Runtime and
 * SameDiff round differently, so the cached values equal the live teacher's within float tolerance, not bit for bit.
 */
final class TeacherCache implements AutoCloseable {
    private final String input;
    private final List<String> tensors;
    private final byte[] model;
    private final String name;
    private final Path path;
    private final int rows;
    private OrtRunner runner;
    private TeacherCacheFile file;
    private long fillNanos;
    private long readNanos;

    /**
     * @param teacher the teacher graph (one input, logits {@code [N, C]} first output)
     * @param taps    teacher node outputs stored beside the logits, in order
     * @param path    the scratch file to create (must not exist); deleted by {@link #close()}
     * @param rows    rows of the training split (row ids are {@code 0..rows-1})
     */
    TeacherCache(ModelGraph teacher, List<String> taps, Path path, int rows) {
        this.path = Objects.requireNonNull(path, "path");
        this.rows = rows;
        this.input = teacher.inputs().get(0).name();
        String logits = teacher.outputs().get(0).name();
        List<String> all = new ArrayList<>();
        all.add(logits);
        taps.stream().filter(t -> !all.contains(t)).forEach(all::add);
        this.tensors = List.copyOf(all);
        this.model = new OnnxExporter().toBytes(withOutputs(teacher, tensors));
        this.name = "the teacher '" + teacher.name() + "' with its taps as outputs";
    }

    /** {@code teacher} with the node outputs {@code tensors} added to its graph outputs. */
    private static ModelGraph withOutputs(ModelGraph teacher, List<String> tensors) {
        Map<String, long[]> shapes = ShapeInference.infer(teacher);
        ModelGraph.Builder b = teacher.toBuilder();
        List<String> existing = teacher.outputs().stream().map(ValueInfo::name).toList();
        for (String t : tensors) {
            if (existing.contains(t)) {
                continue;
            }
            if (teacher.producer(t).isEmpty() || shapes.get(t) == null) {
                throw new IllegalArgumentException("no tensor '" + t + "' with a known shape in the teacher graph '"
                        + teacher.name() + "': a teacher tap names a node output");
            }
            b.output(new ValueInfo(t, ValueInfo.ElementType.FLOAT, shapes.get(t)));
        }
        return b.build();
    }

    /**
     * The teacher's values for the batch, by tensor name (the logits and every tap), each {@code [B, ...]}.
     *
     * @param rowIds   the batch's row ids
     * @param features the batch's features (asked only when some row is not stored yet)
     */
    Map<String, INDArray> batch(int[] rowIds, Supplier<INDArray> features) {
        int[] missing = file == null ? allPositions(rowIds.length)
                : Arrays.stream(allPositions(rowIds.length)).filter(i -> !file.has(rowIds[i])).toArray();
        if (missing.length > 0) {
            fill(rowIds, missing, features.get());
        }
        long t0 = System.nanoTime();
        INDArray[] values = file.read(rowIds);
        readNanos += System.nanoTime() - t0;
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int k = 0; k < tensors.size(); k++) {
            out.put(tensors.get(k), values[k]);
        }
        return out;
    }

    private void fill(int[] rowIds, int[] missing, INDArray features) {
        long t0 = System.nanoTime();
        INDArray x = features;
        if (missing.length < rowIds.length) {
            long n = features.size(0);
            long[] shape = features.shape().clone();
            shape[0] = missing.length;
            x = Nd4j.pullRows(features.reshape('c', n, features.length() / n), 1, missing).reshape('c', shape);
        }
        if (runner == null) {
            runner = new OrtRunner(model, name, 2);
        }
        Map<String, INDArray> out = runner.runAll(Map.of(input, x));
        List<float[]> values = new ArrayList<>();
        List<long[]> rowShapes = new ArrayList<>();
        for (String t : tensors) {
            INDArray v = out.get(t);
            values.add(v.data().asFloat());
            rowShapes.add(Arrays.copyOfRange(v.shape(), 1, v.rank()));
        }
        if (file == null) {
            file = new TeacherCacheFile(path, rows, rowShapes);
        }
        int[] ids = Arrays.stream(missing).map(i -> rowIds[i]).toArray();
        file.write(ids, values);
        fillNanos += System.nanoTime() - t0;
    }

    private static int[] allPositions(int n) {
        int[] p = new int[n];
        Arrays.setAll(p, i -> i);
        return p;
    }

    /** What the cache cost so far: file size, rows stored, record width, seconds filling and reading. */
    TeacherCacheStats stats() {
        return new TeacherCacheStats(path, rows, file == null ? 0 : file.record(), file == null ? 0 : file.bytes(),
                file == null ? 0 : file.storedRows(), fillNanos / 1e9, readNanos / 1e9);
    }

    /** Closes the ONNX Runtime session and deletes the scratch file. */
    @Override
    public void close() {
        try {
            if (runner != null) {
                runner.close();
            }
        } finally {
            if (file != null) {
                file.close();
            }
        }
    }
}
