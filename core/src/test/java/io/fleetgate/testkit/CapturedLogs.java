package io.fleetgate.testkit;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.LoggingEventAware;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * An SLF4J provider for tests that keeps the structured events fleetgate logs (loggers under
 * {@code io.fleetgate}) so tests can assert on them; other libraries' warnings go to stderr.
 * Registered through {@code META-INF/services} in the core test jar. Thread-safe.
 */
public final class CapturedLogs implements SLF4JServiceProvider {
    private static final List<Event> EVENTS = new ArrayList<>();

    /**
     * One captured event.
     *
     * @param logger the logger's name
     * @param level  its level
     * @param name   the message, which fleetgate uses as the event name
     * @param fields the key-value pairs in order
     */
    public record Event(String logger, Level level, String name, Map<String, Object> fields) {
    }

    /**
     * @param name   an event name
     * @param filter which of those to keep
     * @return the captured events of that name passing the filter, oldest first
     */
    public static List<Event> named(String name, Predicate<Event> filter) {
        synchronized (EVENTS) {
            return EVENTS.stream().filter(e -> e.name().equals(name)).filter(filter).toList();
        }
    }

    /**
     * @param name     an event name
     * @param driverId a driver id
     * @return events of that name whose {@code driver_id} field is the driver
     */
    public static List<Event> forDriver(String name, String driverId) {
        return named(name, e -> driverId.equals(e.fields().get("driver_id")));
    }

    /** {@return how many events were captured so far; pass it to {@link #since} later} */
    public static int count() {
        synchronized (EVENTS) {
            return EVENTS.size();
        }
    }

    /**
     * @param mark an earlier {@link #count()}
     * @return the events captured since then, oldest first
     */
    public static List<Event> since(int mark) {
        synchronized (EVENTS) {
            return List.copyOf(EVENTS.subList(mark, EVENTS.size()));
        }
    }

    private static void record(Event e) {
        synchronized (EVENTS) {
            EVENTS.add(e);
        }
    }

    private final ILoggerFactory factory = new Factory();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
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
    }

    private static final class Factory implements ILoggerFactory {
        private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return loggers.computeIfAbsent(name, CapturingLogger::new);
        }
    }

    private static final class CapturingLogger extends AbstractLogger implements LoggingEventAware {
        private static final long serialVersionUID = 1L;
        private final boolean ours;

        CapturingLogger(String name) {
            this.name = name;
            this.ours = name.startsWith("io.fleetgate");
        }

        @Override
        public void log(LoggingEvent event) {
            Map<String, Object> fields = new LinkedHashMap<>();
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair kv : event.getKeyValuePairs()) {
                    fields.put(kv.key, kv.value);
                }
            }
            handle(event.getLevel(), event.getMessage(), fields, event.getThrowable());
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String msg, Object[] args,
                                                   Throwable t) {
            handle(level, org.slf4j.helpers.MessageFormatter.basicArrayFormat(msg, args), Map.of(), t);
        }

        private void handle(Level level, String message, Map<String, Object> fields, Throwable t) {
            if (ours) {
                record(new Event(name, level, message, fields));
            } else if (level.toInt() >= Level.WARN.toInt()) {
                System.err.println(level + " " + name + ": " + message + (t == null ? "" : " " + t));
            }
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return ours;
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return ours;
        }

        @Override
        public boolean isInfoEnabled() {
            return ours;
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return ours;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return true;
        }
    }
}
