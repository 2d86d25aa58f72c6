package dev.condense.engine.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a distillation run's cached teacher ({@link TeacherCache}) cost.
 *
 * @param file          the scratch file (deleted at the end of the run)
 * @param rows          rows of the training split: the file holds one record per row
 * @param recordFloats  floats per row: the teacher's classes plus the tapped tensors' per-row sizes (0 before the
 *                      first batch)
 * @param bytes         size of the file, {@code rows x recordFloats x 4}
 * @param storedRows    rows computed by the teacher and stored
 * @param fillSeconds   wall seconds running the teacher in ONNX Runtime and storing its outputs
 * @param readSeconds   wall seconds reading batches back from the file
 */
public record TeacherCacheStats(Path file, int rows, int recordFloats, long bytes, int storedRows,
                                double fillSeconds, double readSeconds) {

    /** The stats as a report entry (ordered keys). */
    public Map<String, Object> toReport() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("floats_per_row", recordFloats);
        m.put("file_bytes", bytes);
        m.put("rows_computed", storedRows);
        m.put("fill_seconds", Math.round(fillSeconds * 1000) / 1000.0);
        m.put("read_seconds", Math.round(readSeconds * 1000) / 1000.0);
        return m;
    }
}
