package io.fleetgate.examples.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.error.FleetgateException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON in and out: the request body with its hard cap, strict parsing, typed field access that
 * refuses wrong types with {@code INVALID_REQUEST} naming the field, and writing responses.
 *
 * <p>Parsing is strict: bytes that are not UTF-8, duplicate keys, trailing tokens, {@code NaN} and comments are malformed
 * JSON. Numbers with a fraction are read as {@link java.math.BigDecimal}, so a payload's numbers
 * reach the library without binary rounding. A JSON {@code null} counts as an absent field. Stateless and
 * thread-safe (the mapper is shared and never reconfigured).
 */
final class JsonIo {
    /** The largest request body accepted: 1 MiB. */
    static final int MAX_BODY_BYTES = 1 << 20;

    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(64).maxNumberLength(100).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private JsonIo() {
    }

    /**
     * Reads a body of at most {@link #MAX_BODY_BYTES}: refused up front by its declared length,
     * else after reading at most one byte more than the cap (the rest is not kept here; see
     * {@code Router} for what happens to it).
     *
     * @param in            the body
     * @param contentLength the {@code Content-Length} header, or {@code null}
     * @return the bytes
     * @throws HttpError    413 {@code PAYLOAD_TOO_LARGE}
     * @throws IOException  if the stream fails
     */
    static byte[] readCapped(InputStream in, String contentLength) throws IOException {
        if (contentLength != null) {
            try {
                if (Long.parseLong(contentLength.trim()) > MAX_BODY_BYTES) {
                    throw HttpError.payloadTooLarge(MAX_BODY_BYTES);
                }
            } catch (NumberFormatException ignored) {
                // the server has already framed the body; the read below enforces the cap
            }
        }
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw HttpError.payloadTooLarge(MAX_BODY_BYTES);
        }
        return body;
    }

    /**
     * @param body the request body
     * @return it as a JSON object
     * @throws FleetgateException {@code INVALID_REQUEST} if it is empty, not UTF-8, malformed (a
     *                            number whose exponent is out of range included) or not an object
     */
    static ObjectNode parseObject(byte[] body) {
        requireUtf8(body);
        JsonNode node;
        try {
            node = body.length == 0 ? null : MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            if (why != null && why.length() > 200) {
                why = why.substring(0, 200) + "…";
            }
            throw FleetgateException.invalid("body", "is not valid JSON: " + why);
        } catch (NumberFormatException e) {
            // Jackson reads a number's exponent into an int: 1e-99999999999999999999 fails outside its
            // JsonProcessingException, while the number is being made into a BigDecimal
            throw outOfRangeExponent();
        } catch (IOException e) {
            throw FleetgateException.invalid("body", "cannot be read");
        }
        if (node == null || node.isMissingNode()) {
            throw FleetgateException.invalid("body", "must be a JSON object");
        }
        if (!node.isObject()) {
            throw FleetgateException.invalid("body", "must be a JSON object");
        }
        requireWellFormedValues(node);
        return (ObjectNode) node;
    }

    /**
     * Jackson decodes some byte sequences that are not UTF-8 (an overlong {@code C0 AF} becomes
     * {@code /}), so a body is checked with the JDK's strict decoder first.
     */
    private static void requireUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw FleetgateException.invalid("body", "is not valid UTF-8");
        }
    }

    /**
     * JSON's {@code \\uD800} escapes can spell half a surrogate pair, which no store and no JSON
     * writer can carry: such a body is refused as a whole.
     */
    /** Every string valid Unicode, every decimal's exponent within reason, all the way down. */
    private static void requireWellFormedValues(JsonNode node) {
        if (node.isTextual()) {
            requireUnicode(node.textValue());
        } else if (node.isBigDecimal()) {
            requireSaneExponent(node.decimalValue());
        } else if (node.isContainerNode()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                requireUnicode(e.getKey());
                requireWellFormedValues(e.getValue());
            }
            if (node.isArray()) {
                node.forEach(JsonIo::requireWellFormedValues);
            }
        }
    }

    /**
     * Whether {@code 1.5E+2147483648} parses at all depends on the JDK (17 refuses the exponent, 25
     * keeps it as a scale of -2147483647), so numbers with an exponent beyond ±10^9 are malformed
     * here on every JDK, like those whose exponent does not fit an int at all. Smaller absurd
     * exponents parse and are refused by the field that reads them.
     */
    private static void requireSaneExponent(java.math.BigDecimal number) {
        long exponent = (long) number.precision() - number.scale() - 1;
        if (number.signum() != 0 && Math.abs(exponent) > 1_000_000_000L) {
            throw outOfRangeExponent();
        }
    }

    private static FleetgateException outOfRangeExponent() {
        return FleetgateException.invalid("body", "is not valid JSON: a number's exponent is out of range");
    }

    private static void requireUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw FleetgateException.invalid("body", "holds a string with an unpaired surrogate (not valid Unicode)");
            }
        }
    }

    /**
     * @param value a response body (maps, lists, strings, numbers, booleans, null)
     * @return its JSON bytes
     */
    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- typed fields --------------------------------------------------------------------------

    private static JsonNode present(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    /**
     * Refuses a key the object may not have, naming it (at most 64 code points of the client's
     * text, never half a pair).
     *
     * @param node    the object
     * @param keys    the keys it may have
     * @param prefix  what goes before the key in the refusal's field, e.g. {@code "fixes[3]."}
     * @param problem the refusal's text
     * @throws FleetgateException {@code INVALID_REQUEST} naming the first unknown key
     */
    static void requireKnown(ObjectNode node, java.util.Set<String> keys, String prefix, String problem) {
        for (java.util.Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!keys.contains(name)) {
                String shown = name.codePointCount(0, name.length()) > 64
                        ? name.substring(0, name.offsetByCodePoints(0, 64)) + "…" : name;
                throw FleetgateException.invalid(prefix + shown, problem);
            }
        }
    }

    /**
     * @param node  an object
     * @param field a field name
     * @return the string, or {@code null} when absent or null
     * @throws FleetgateException {@code INVALID_REQUEST} if it is not a string
     */
    static String text(ObjectNode node, String field) {
        JsonNode v = present(node, field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw FleetgateException.invalid(field, "must be a string");
        }
        return v.textValue();
    }

    /**
     * @param node  an object
     * @param field a field name
     * @return the string
     * @throws FleetgateException {@code INVALID_REQUEST} if absent or not a string
     */
    static String requiredText(ObjectNode node, String field) {
        String v = text(node, field);
        if (v == null) {
            throw FleetgateException.invalid(field, "is required");
        }
        return v;
    }

    /**
     * @param node  an object
     * @param field a field name
     * @return the number, or {@code null} when absent or null
     * @throws FleetgateException {@code INVALID_REQUEST} if it is not a number
     */
    static Double number(ObjectNode node, String field) {
        JsonNode v = present(node, field);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw FleetgateException.invalid(field, "must be a number");
        }
        return v.doubleValue();
    }

    /**
     * @param node  an object
     * @param field a field name
     * @return the number
     * @throws FleetgateException {@code INVALID_REQUEST} if absent or not a number
     */
    static double requiredNumber(ObjectNode node, String field) {
        Double v = number(node, field);
        if (v == null) {
            throw FleetgateException.invalid(field, "is required");
        }
        return v;
    }

    /**
     * @param node  an object
     * @param field a field name
     * @return the integer, or {@code null} when absent or null
     * @throws FleetgateException {@code INVALID_REQUEST} if it is not a whole number in int range
     */
    static Integer integer(ObjectNode node, String field) {
        JsonNode v = present(node, field);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw FleetgateException.invalid(field, "must be a whole number");
        }
        return v.intValue();
    }

    /**
     * @param node  an object
     * @param field a field name
     * @return the object as JSON-like Java values, or {@code null} when absent or null
     * @throws FleetgateException {@code INVALID_REQUEST} if it is not an object
     */
    static Map<String, Object> object(ObjectNode node, String field) {
        JsonNode v = present(node, field);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw FleetgateException.invalid(field, "must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) plain(v);
        return m;
    }

    /**
     * @param node  an object
     * @param field a field name
     * @param type  the enum
     * @param <E>   the enum type
     * @return the constant named by the string, or {@code null} when absent or null
     * @throws FleetgateException {@code INVALID_REQUEST} if it is not a string naming a constant
     */
    static <E extends Enum<E>> E enumValue(ObjectNode node, String field, Class<E> type) {
        String v = text(node, field);
        if (v == null) {
            return null;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(v)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name());
        }
        throw FleetgateException.invalid(field, "must be one of " + String.join(", ", names));
    }

    /**
     * @param v a JSON value
     * @return it as plain Java values: maps (key order kept), lists, strings, BigDecimal numbers,
     *         booleans and {@code null}
     */
    static Object plain(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                out.put(e.getKey(), plain(e.getValue()));
            }
            return out;
        }
        if (v.isArray()) {
            List<Object> out = new ArrayList<>(v.size());
            v.forEach(item -> out.add(plain(item)));
            return out;
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return v.asText();
    }
}
