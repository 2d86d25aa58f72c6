package dev.condense.cli.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J backend of the {@code condense} command (found through {@code META-INF/services}): every logger writes
 * to {@link LibraryLog}, which keeps library logging (PF4J, ND4J, JavaCPP, plugins) off the console unless
 * {@code --verbose} is given. Levels INFO, WARN and ERROR are kept; DEBUG and TRACE are dropped. The kernel and
 * engine only use the SLF4J API, so an embedder brings its own backend instead.
 */
public final class LogProvider implements SLF4JServiceProvider {
    private ILoggerFactory loggers;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        ConcurrentMap<String, Logger> byName = new ConcurrentHashMap<>();
        loggers = name -> byName.computeIfAbsent(name, LibraryLogger::new);
        markers = new BasicMarkerFactory();
        mdc = new NOPMDCAdapter();
    }
}
