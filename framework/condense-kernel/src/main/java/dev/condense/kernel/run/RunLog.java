package dev.condense.kernel.run;

import java.nio.file.Path;

/**
 * Where library logging (PF4J, ND4J, ONNX Runtime: whatever goes through SLF4J) is written during a run. The kernel
 * does not own the logging backend (the CLI or an embedder does); it only says when the run's log file exists.
 * The file is {@link #FILE} in the run's partial directory, renamed with it into the output directory; it is not
 * part of the reproducible output (its lines depend on the machine and on time) and the report does not list it.
 */
public interface RunLog {
    /** The log file's name inside the run directory. */
    String FILE = "condense.log";

    /** Leaves logging alone (embedders, tests). */
    RunLog NONE = new RunLog() {
        @Override
        public void open(Path file) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * From now on, library logging goes to {@code file} (appended to: a resumed run continues the interrupted run's
     * log), together with what was logged before the run directory existed.
     */
    void open(Path file);

    /** The run is over (committed, failed or refused): stop writing its log file. */
    void close();
}
