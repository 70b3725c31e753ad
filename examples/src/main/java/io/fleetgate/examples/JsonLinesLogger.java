package io.fleetgate.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The {@link JsonLines} logger. Classic calls ({@code log.info("…", args)}) arrive through
 * {@link #handleNormalizedLoggingCall}; fluent calls ({@code log.atInfo().addKeyValue(…).log()})
 * arrive whole through {@link #log(LoggingEvent)}, key-value pairs included.
 *
 * <p>Values are written with Jackson's generator: numbers as JSON numbers (a non-finite double
 * as a string), booleans as booleans, {@code null} as null, instants as ISO-8601 strings, anything
 * else as its {@code toString()}. A throwable becomes an {@code error} field with its class and
 * message. Every string, field names included, is escaped so that a line holds no character a
 * reader could take for a line break or choke on: besides JSON's own escapes (C0 controls,
 * quote, backslash), DEL, C1 controls, U+2028, U+2029 and the non-characters (U+FDD0–U+FDEF,
 * U+FFFE, U+FFFF) are written as {@code \}{@code uXXXX}, so the line parses back to exactly what was
 * logged. Thread-safe: it holds only its name.
 */
final class JsonLinesLogger extends AbstractLogger implements LoggingEventAware {
    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory().setCharacterEscapes(new LineSafeEscapes());

    /** @param name the logger's name */
    JsonLinesLogger(String name) {
        this.name = name;
    }

    @Override
    public void log(LoggingEvent event) {
        if (!JsonLines.isEnabled(name, event.getLevel())) {
            return;
        }
        Instant ts = event.getTimeStamp() > 0 ? Instant.ofEpochMilli(event.getTimeStamp()) : now();
        String message = MessageFormatter.basicArrayFormat(event.getMessage(), event.getArgumentArray());
        List<KeyValuePair> pairs = event.getKeyValuePairs() == null ? List.of() : event.getKeyValuePairs();
        JsonLines.print(line(ts, event.getLevel(), message, pairs, event.getThrowable()));
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern,
                                               Object[] arguments, Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(messagePattern, arguments);
        JsonLines.print(line(now(), level, message, List.of(), throwable));
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private String line(Instant ts, Level level, String message, List<KeyValuePair> pairs, Throwable throwable) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("ts", ts.toString());
            json.writeStringField("level", level.name());
            json.writeStringField("logger", name);
            json.writeStringField("event", message);
            for (KeyValuePair pair : pairs) {
                json.writeFieldName(String.valueOf(pair.key));
                writeValue(json, pair.value);
            }
            if (throwable != null) {
                json.writeStringField("error", throwable.toString());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte) {
            json.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                json.writeNumber(d);
            } else {
                json.writeString(Double.toString(d));
            }
        } else if (value instanceof BigDecimal d) {
            json.writeNumber(d);
        } else if (value instanceof BigInteger i) {
            json.writeNumber(i);
        } else if (value instanceof Instant i) {
            json.writeString(i.toString());
        } else {
            json.writeString(value.toString());
        }
    }

    @Override
    public boolean isTraceEnabled() {
        return JsonLines.isEnabled(name, Level.TRACE);
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
        return JsonLines.isEnabled(name, Level.DEBUG);
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return JsonLines.isEnabled(name, Level.INFO);
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return JsonLines.isEnabled(name, Level.WARN);
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
        return JsonLines.isEnabled(name, Level.ERROR);
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return isErrorEnabled();
    }

    /** JSON's standard escapes plus the characters that break lines or readers (see the class comment). */
    private static final class LineSafeEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii;

        LineSafeEscapes() {
            ascii = CharacterEscapes.standardAsciiEscapesForJSON();
            ascii[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            boolean escaped = (ch >= 0x80 && ch <= 0x9f) || ch == 0x2028 || ch == 0x2029
                    || (ch >= 0xfdd0 && ch <= 0xfdef) || ch == 0xfffe || ch == 0xffff;
            return escaped ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
}
