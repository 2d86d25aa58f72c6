package dev.condense.kernel.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes report.json and report.md into a run directory. The report's {@code files} section lists the bytes of
 * every file the run wrote, report.json included (its own size is found by re-serializing until it is stable), but
 * not the library log {@link RunLog#FILE}, which is still being written and differs from run to run.
 */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private ReportWriter() {
    }

    /**
     * @param dir    the run directory (temporary until committed)
     * @param report the report content, JSON-friendly maps, lists and scalars; a {@code files} entry is added
     */
    public static void write(Path dir, Map<String, Object> report) throws IOException {
        Files.writeString(dir.resolve("report.md"), ReportMarkdown.render(report));
        Map<String, Object> full = new LinkedHashMap<>(report);
        Path json = dir.resolve("report.json");
        long previous = -1;
        for (int i = 0; i < 5; i++) {
            full.put("files", fileSizes(dir, json, previous));
            byte[] bytes = JSON.writeValueAsBytes(full);
            if (bytes.length == previous) {
                Files.write(json, bytes);
                return;
            }
            previous = bytes.length;
        }
        throw new IllegalStateException("report.json size did not settle");
    }

    private static Map<String, Long> fileSizes(Path dir, Path json, long jsonBytes) throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.equals(dir.resolve(RunLog.FILE))).toList()) {
                sizes.put(dir.relativize(p).toString(), Files.size(p));
            }
        }
        sizes.put(dir.relativize(json).toString(), Math.max(0, jsonBytes));
        return sizes;
    }
}
