package dev.condense.kernel.run;

import java.nio.file.Path;
import java.util.Map;

/**
 * A finished run.
 *
 * @param outputDir where the run's files are
 * @param report    the report as written to report.json (without the files section)
 */
public record RunResult(Path outputDir, Map<String, Object> report) {
}
