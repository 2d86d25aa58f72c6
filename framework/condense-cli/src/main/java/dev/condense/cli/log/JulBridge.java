package dev.condense.cli.log;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Sends {@code java.util.logging} records (ONNX Runtime's Java API logs through it) to {@link LibraryLog} instead of
 * JUL's default console handler; INFO and above, as for SLF4J.
 */
final class JulBridge extends Handler {
    private final Formatter messages = new SimpleFormatter();

    /** Replaces the handlers of JUL's root logger with this bridge. */
    static void install() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        root.addHandler(new JulBridge());
    }

    @Override
    public void publish(LogRecord r) {
        int v = r.getLevel().intValue();
        if (v < Level.INFO.intValue()) {
            return;
        }
        String level = v >= Level.SEVERE.intValue() ? "ERROR" : v >= Level.WARNING.intValue() ? "WARN" : "INFO";
        LibraryLog.get().log(level, String.valueOf(r.getLoggerName()), messages.formatMessage(r), r.getThrown());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
