package io.fleetgate.examples;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.io.PrintStream;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A tiny SLF4J 2 provider for the examples jar: every event becomes one JSON line on stderr,
 * {@code {"ts":…,"level":…,"logger":…,"event":<message>,<key>:<value>,…}}, with the fluent API's
 * key-value pairs as fields (see {@link JsonLinesLogger} for how values are written).
 *
 * <p>Loggers under {@code io.fleetgate} log at the threshold set by {@link #setLevel} (INFO by
 * default); all others (Jdbi, HikariCP, the JDBC drivers) log at WARN or the threshold, whichever
 * is stricter, so their start-up chatter stays out. MDC values are kept but not printed.
 *
 * <p>Registered in {@code META-INF/services/org.slf4j.spi.SLF4JServiceProvider}; SLF4J creates
 * and initialises it. Thread-safe: the settings are volatile and each line is printed whole.
 */
public final class JsonLines implements SLF4JServiceProvider {
    /** The SLF4J API version this provider is written for. */
    public static final String REQUESTED_API_VERSION = "2.0.99";

    private static final String FLEETGATE = "io.fleetgate";

    private static volatile Level threshold = Level.INFO;
    private static volatile PrintStream output;

    private ILoggerFactory loggerFactory;
    private IMarkerFactory markerFactory;
    private MDCAdapter mdcAdapter;

    /** Called by SLF4J's service loader; does nothing until {@link #initialize()}. */
    public JsonLines() {
    }

    /**
     * Sets the threshold for fleetgate's loggers; other loggers never go below WARN.
     *
     * @param level the least severe level printed
     */
    public static void setLevel(Level level) {
        threshold = Objects.requireNonNull(level, "level");
    }

    /** @return the threshold for fleetgate's loggers */
    public static Level level() {
        return threshold;
    }

    /**
     * Redirects the lines, for tests.
     *
     * @param stream where lines go from now on, or {@code null} for {@link System#err}
     */
    static void setOutput(PrintStream stream) {
        output = stream;
    }

    /**
     * @param loggerName a logger's name
     * @param level      an event's level
     * @return whether events of that level from that logger are printed
     */
    static boolean isEnabled(String loggerName, Level level) {
        Level least = threshold;
        boolean fleetgate = loggerName.equals(FLEETGATE) || loggerName.startsWith(FLEETGATE + ".");
        if (!fleetgate && least.toInt() < Level.WARN.toInt()) {
            least = Level.WARN;
        }
        return level.toInt() >= least.toInt();
    }

    /** @param line one complete JSON object, printed with a line break */
    static void print(String line) {
        PrintStream stream = output;
        (stream != null ? stream : System.err).println(line);
    }

    @Override
    public void initialize() {
        ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
        loggerFactory = name -> loggers.computeIfAbsent(name, JsonLinesLogger::new);
        markerFactory = new BasicMarkerFactory();
        mdcAdapter = new BasicMDCAdapter();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return REQUESTED_API_VERSION;
    }
}
