package io.fleetgate.internal;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeout;

class JsonTest {

    /** The seed of the randomized round trip; printed in its assertion messages to replay a failure. */
    private static final long SEED = 0x5EEDF1EE7L;

    // ---------------------------------------------------------------- write

    @Test
    void writeWhenMapKeysUnorderedThenSortedWithoutWhitespace() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("c", 3);
        m.put("a", "x y");
        m.put("b", true);

        assertThat(Json.write(m)).isEqualTo("{\"a\":\"x y\",\"b\":true,\"c\":3}");
    }

    @Test
    void writeWhenMapsNestedInMapsAndListsThenKeysSortedAtEveryLevel() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("y", 2);
        Map<String, Object> inList = new LinkedHashMap<>();
        inList.put("q", null);
        inList.put("p", List.of());
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("list", List.of(inList, 1, "s"));
        outer.put("inner", inner);
        outer.put("empty", Map.of());

        assertThat(Json.write(outer))
                .isEqualTo("{\"empty\":{},\"inner\":{\"y\":2,\"z\":1},\"list\":[{\"p\":[],\"q\":null},1,\"s\"]}");
    }

    @Test
    void writeWhenKeysOutsideBmpThenSortedByUtf16CodeUnits() {
        // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FF21 by UTF-16 code units
        // (it would sort after it by code point).
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("\uFF21", 1);
        m.put("\uD83D\uDE00", 2);
        m.put("a", 3);
        m.put("B", 4);

        assertThat(Json.write(m)).isEqualTo("{\"B\":4,\"a\":3,\"\uD83D\uDE00\":2,\"\uFF21\":1}");
    }

    @Test
    void writeWhenLiteralsThenJsonLiterals() {
        assertThat(Json.write(null)).isEqualTo("null");
        assertThat(Json.write(true)).isEqualTo("true");
        assertThat(Json.write(false)).isEqualTo("false");
        assertThat(Json.write(Map.of())).isEqualTo("{}");
        assertThat(Json.write(List.of())).isEqualTo("[]");
        assertThat(Json.write(Arrays.asList(null, false))).isEqualTo("[null,false]");
    }

    @Test
    void writeWhenStringHasQuotesAndBackslashesThenEscaped() {
        assertThat(Json.write("say \"hi\" \\ bye")).isEqualTo("\"say \\\"hi\\\" \\\\ bye\"");
        assertThat(Json.write("a/b")).as("solidus needs no escape").isEqualTo("\"a/b\"");
        assertThat(Json.write("")).isEqualTo("\"\"");
    }

    @Test
    void writeWhenStringHasControlCharactersThenShortEscapesElseLowercaseUnicodeEscapes() {
        assertThat(Json.write("\b\f\n\r\t")).isEqualTo("\"\\b\\f\\n\\r\\t\"");
        assertThat(Json.write("\u0000\u0001\u000b\u001a\u001f"))
                .isEqualTo("\"\\u0000\\u0001\\u000b\\u001a\\u001f\"");
        assertThat(Json.write("\u007f")).as("DEL is not a JSON control character").isEqualTo("\"\u007f\"");
    }

    @Test
    void writeWhenStringHasNonAsciiThenKeptAsIs() {
        String s = "caf\u00e9 \u65e5\u672c \uD83D\uDE9A \u2028 \u00a0";

        assertThat(Json.write(s)).isEqualTo("\"" + s + "\"");
        assertThat(Json.write(Map.of(s, s))).isEqualTo("{\"" + s + "\":\"" + s + "\"}");
    }

    /** The plain decimal form the javadoc promises: no exponent, no trailing zeros, no "-0". */
    private static final Pattern PLAIN = Pattern.compile("0|-?(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?");

    static Stream<Arguments> numbers() {
        return Stream.of(
                Arguments.of(1.0, "1"),
                Arguments.of(new BigDecimal("1.50"), "1.5"),
                Arguments.of(1.5, "1.5"),
                Arguments.of(0.0, "0"),
                Arguments.of(-0.0, "0"),
                Arguments.of(-0.0f, "0"),
                Arguments.of(0, "0"),
                Arguments.of(BigInteger.ZERO, "0"),
                Arguments.of(new BigDecimal("0.000"), "0"),
                Arguments.of(new BigDecimal("-0.000"), "0"),
                Arguments.of(new BigDecimal("0E+5"), "0"),
                Arguments.of(new BigDecimal("0E-50"), "0"),
                Arguments.of(-1.25, "-1.25"),
                Arguments.of(30.2672, "30.2672"),
                Arguments.of(-97.7431, "-97.7431"),
                Arguments.of(12345.6789, "12345.6789"),
                Arguments.of(123456789012L, "123456789012"),
                Arguments.of(Long.MIN_VALUE, "-9223372036854775808"),
                Arguments.of(Integer.MAX_VALUE, "2147483647"),
                Arguments.of(new BigInteger("123456789123456789123456789"), "123456789123456789123456789"),
                // whole numbers ending in zero stay plain (they used to come out as 1E+1, 1E+2, 1.2E+2)
                Arguments.of(10, "10"),
                Arguments.of(100, "100"),
                Arguments.of(120, "120"),
                Arguments.of(100.0, "100"),
                Arguments.of(1200L, "1200"),
                Arguments.of((short) 100, "100"),
                Arguments.of((byte) -120, "-120"),
                Arguments.of(new BigDecimal("1E+2"), "100"),
                Arguments.of(new BigDecimal("1.20E+3"), "1200"),
                Arguments.of(new BigInteger("1000000"), "1000000"),
                Arguments.of(new BigDecimal("-0.0010"), "-0.001"),
                // small and large values stay plain too (they used to come out as 1E-7, 1E+21)
                Arguments.of(0.000001, "0.000001"),
                Arguments.of(1e-7, "0.0000001"),
                Arguments.of(1.5e-7, "0.00000015"),
                Arguments.of(-2.5e-9, "-0.0000000025"),
                Arguments.of(1e21, "1000000000000000000000"),
                Arguments.of(1.5e21, "1500000000000000000000"),
                Arguments.of(-1e21, "-1000000000000000000000"),
                Arguments.of(new BigDecimal("1.0E+21"), "1000000000000000000000"),
                Arguments.of(new BigDecimal("1.0E-21"), "0.000000000000000000001"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("numbers")
    void writeWhenNumberThenPlainDecimalWithoutExponentOrTrailingZeros(Number n, String expected) {
        assertThat(Json.write(n)).isEqualTo(expected).matches(PLAIN);
        assertThat(Json.write(List.of(n))).isEqualTo("[" + expected + "]");
        assertThat(Json.write(Map.of("n", n))).isEqualTo("{\"n\":" + expected + "}");
        assertThat(((BigDecimal) Json.normalise("f", n)).toPlainString()).isEqualTo(expected);
        // what is written reads back as the same normalised value
        assertThat(Json.parse(expected)).isEqualTo(Json.normalise("f", n));
    }

    @Test
    void writeWhenEqualNumbersOfDifferentTypesThenSameText() {
        List<Number> fives = List.of(5, 5L, (short) 5, (byte) 5, 5.0, 5.0f, new BigDecimal("5.00"),
                new BigDecimal("5"), new BigDecimal("0.5E+1"), BigInteger.valueOf(5));
        List<Number> oneAndAHalf = List.of(1.5, 1.5f, new BigDecimal("1.500"), new BigDecimal("15E-1"));
        List<Number> hundreds = List.of(100, 100L, (short) 100, 100.0, 100.0f, new BigDecimal("100.00"),
                new BigDecimal("1E+2"), new BigDecimal("0.1E+3"), BigInteger.valueOf(100));

        assertThat(fives.stream().map(Json::write)).containsOnly("5");
        assertThat(oneAndAHalf.stream().map(Json::write)).containsOnly("1.5");
        assertThat(hundreds.stream().map(Json::write)).containsOnly("100");
        assertThat(Json.write(Map.of("n", 5))).isEqualTo(Json.write(Map.of("n", new BigDecimal("5.000"))));
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void writeWhenNumberNotFiniteThenRefused(double d) {
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(d));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(Map.of("x", List.of(d))));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write((float) d));
    }

    @Test
    void writeWhenUnsupportedTypeThenRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(new Object()));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(Map.of("at", Instant.EPOCH)));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(List.of(Set.of(1))));
    }

    @Test
    void writeWhenMapKeyNotStringThenRefused() {
        Map<Object, Object> nullKey = new HashMap<>();
        nullKey.put(null, 1);
        Map<Object, Object> mixed = new LinkedHashMap<>();
        mixed.put("a", 1);
        mixed.put(2, 2);

        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(Map.of(1, "a")))
                .withMessageContaining("keys must be strings");
        assertThatIllegalArgumentException().as("a Character key is not written as if it were the string \"a\"")
                .isThrownBy(() -> Json.write(Map.of('a', 1)));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(nullKey));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(mixed));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(Map.of("ok", Map.of(Boolean.TRUE, 1))));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(List.of(1, Map.of(7L, "seven"))));
    }

    @Test
    void writeWhenSixteenNestedArraysOrObjectsThenWritten() {
        int d = Json.MAX_DEPTH;

        assertThat(Json.write(nestedLists(d, null))).isEqualTo("[".repeat(d) + "]".repeat(d));
        assertThat(Json.write(nestedLists(d, "x"))).isEqualTo("[".repeat(d) + "\"x\"" + "]".repeat(d));
        assertThat(Json.write(nestedMaps(d, 1))).isEqualTo("{\"a\":".repeat(d) + "1" + "}".repeat(d));
        assertThat(Json.write(nestedMapsEmpty(d))).isEqualTo("{\"a\":".repeat(d - 1) + "{}" + "}".repeat(d - 1));
        assertThat(Json.write(alternating(d))).isEqualTo(alternatingText(d));
    }

    @Test
    void writeWhenSeventeenNestedArraysOrObjectsThenRefused() {
        int d = Json.MAX_DEPTH + 1;

        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(nestedLists(d, null)))
                .withMessageContaining("nested deeper than " + Json.MAX_DEPTH);
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(nestedLists(d, "x")));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(nestedMaps(d, 1)));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(nestedMapsEmpty(d)));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(alternating(d)));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(Map.of("a", nestedLists(d - 1, null))));
    }

    @Test
    void writeWhenValueRefersToItselfThenRefusedInsteadOfOverflowing() {
        List<Object> loop = new ArrayList<>();
        loop.add(loop);
        Map<String, Object> map = new HashMap<>();
        List<Object> list = new ArrayList<>();
        map.put("list", list);
        list.add(map);

        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(loop));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(map));
    }

    @Test
    void stringWhenAppendingThenWritesLiteralAfterExistingText() {
        StringBuilder out = new StringBuilder("x=");

        Json.string("a\"\n", out);

        assertThat(out).hasToString("x=\"a\\\"\\n\"");
    }

    // ---------------------------------------------------------------- normalise

    @Test
    void normaliseWhenMapThenSortedUnmodifiableWithBigDecimalNumbers() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 2.5);
        inner.put("a", 7L);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("list", new ArrayList<>(List.of(1, inner)));
        m.put("b", "s");
        m.put("a", null);

        @SuppressWarnings("unchecked")
        Map<String, Object> n = (Map<String, Object>) Json.normalise("payload", m);

        assertThat(n.keySet()).containsExactly("a", "b", "list");
        assertThat(n.get("a")).isNull();
        assertThat(n.get("b")).isEqualTo("s");
        List<?> list = (List<?>) n.get("list");
        assertThat(list.get(0)).isEqualTo(BigDecimal.ONE);
        Map<?, ?> nestedMap = (Map<?, ?>) list.get(1);
        assertThat(new ArrayList<Object>(nestedMap.keySet())).containsExactly("a", "z");
        assertThat(nestedMap.get("a")).isEqualTo(BigDecimal.valueOf(7));
        assertThat((BigDecimal) nestedMap.get("z")).isEqualByComparingTo("2.5");

        assertThatThrownBy(() -> n.put("c", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.remove(0)).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) nestedMap;
        assertThatThrownBy(() -> nested.clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void normaliseWhenSourceChangesAfterwardsThenCopyUnaffected() {
        Map<String, Object> m = new HashMap<>();
        m.put("a", 1);

        Object n = Json.normalise("payload", m);
        m.put("b", 2);

        assertThat(Json.write(n)).isEqualTo("{\"a\":1}");
    }

    @Test
    void normaliseWhenScalarThenNumbersBecomeBigDecimalOthersUnchanged() {
        assertThat(Json.normalise("f", null)).isNull();
        assertThat(Json.normalise("f", true)).isEqualTo(true);
        assertThat(Json.normalise("f", "x")).isEqualTo("x");
        assertThat(Json.normalise("f", 5)).isEqualTo(BigDecimal.valueOf(5));
        assertThat(Json.normalise("f", BigInteger.TEN)).isEqualTo(new BigDecimal("1E+1"));
        assertThat(Json.normalise("f", 0.25)).isEqualTo(new BigDecimal("0.25"));
    }

    @Test
    void normaliseWhenNumberThenBigDecimalWithoutTrailingZerosEqualToParsedText() {
        assertThat(Json.normalise("f", 5.0)).isEqualTo(Json.normalise("f", Json.parse("5")))
                .isEqualTo(Json.parse("5.000")).isEqualTo(new BigDecimal("5"));
        assertThat(Json.normalise("f", new BigDecimal("1.50"))).isEqualTo(new BigDecimal("1.5"))
                .isEqualTo(Json.normalise("f", Json.parse("1.5000"))).isEqualTo(Json.normalise("f", 1.5f));
        assertThat(Json.normalise("f", 100)).isEqualTo(new BigDecimal("100").stripTrailingZeros())
                .isEqualTo(Json.normalise("f", 100.0)).isEqualTo(Json.normalise("f", Json.parse("100")))
                .isEqualTo(Json.normalise("f", Json.parse("1E2")));
        assertThat(Json.normalise("f", Map.of("n", 5.0))).isEqualTo(Json.parseObject("{\"n\":5}"));
        assertThat(Json.normalise("f", List.of(2.50, 300L))).isEqualTo(Json.normalise("f", Json.parse("[2.5,3e2]")));
    }

    @ParameterizedTest
    @MethodSource("zeros")
    void normaliseWhenZeroThenBigDecimalZero(Object zero) {
        Object n = zero instanceof String text ? Json.parse(text) : Json.normalise("f", zero);

        assertThat(n).isEqualTo(BigDecimal.ZERO);
        assertThat(((BigDecimal) n).scale()).isZero();
        assertThat(Json.normalise("f", n)).isEqualTo(BigDecimal.ZERO);
        assertThat(Json.write(n)).isEqualTo("0");
    }

    static Stream<Object> zeros() {
        return Stream.of(0, 0L, 0.0, -0.0, 0.0f, -0.0f, BigInteger.ZERO, new BigDecimal("0.000"),
                new BigDecimal("-0E+7"), new BigDecimal("0E-99"), "0", "-0", "0.0", "-0.000", "0e10", "0E-10");
    }

    static Stream<Arguments> nonFinite() {
        return Stream.of(
                Arguments.of(Double.NaN),
                Arguments.of(Double.POSITIVE_INFINITY),
                Arguments.of(Double.NEGATIVE_INFINITY),
                Arguments.of(Float.NaN),
                Arguments.of(Float.NEGATIVE_INFINITY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonFinite")
    void normaliseWhenNumberNotFiniteThenInvalidRequestNamingField(Number n) {
        assertInvalidRequest("payload", n);
        assertInvalidRequest("payload", Map.of("deep", List.of(1, Map.of("x", n))));
    }

    @Test
    void normaliseWhenKeyNotStringThenInvalidRequestNamingField() {
        Map<Object, Object> nullKey = new HashMap<>();
        nullKey.put(null, 1);

        assertInvalidRequest("metadata", Map.of(1, "a"));
        assertInvalidRequest("metadata", nullKey);
        assertInvalidRequest("metadata", Map.of("ok", Map.of(Boolean.TRUE, "a")));
    }

    @Test
    void normaliseWhenUnsupportedTypeThenInvalidRequestNamingField() {
        assertInvalidRequest("payload", Map.of("at", Instant.EPOCH));
        assertInvalidRequest("payload", Map.of("o", new Object()));
        assertInvalidRequest("payload", Map.of("set", Set.of(1)));
        assertInvalidRequest("payload", Map.of("array", new int[] {1}));
        assertInvalidRequest("payload", List.of('c'));
    }

    @Test
    void normaliseWhenNestedSixteenDeepThenAccepted() {
        assertThat(Json.normalise("payload", nestedLists(Json.MAX_DEPTH, "x"))).isNotNull();
        assertThat(Json.normalise("payload", nestedMaps(Json.MAX_DEPTH, "x"))).isNotNull();
        assertThat(Json.normalise("payload", nestedLists(Json.MAX_DEPTH, null))).isNotNull();
        assertThat(Json.normalise("payload", nestedMapsEmpty(Json.MAX_DEPTH))).isNotNull();
        assertThat(Json.write(Json.normalise("payload", alternating(Json.MAX_DEPTH))))
                .isEqualTo(alternatingText(Json.MAX_DEPTH));
    }

    @Test
    void normaliseWhenNestedDeeperThanSixteenThenInvalidRequestNamingField() {
        assertInvalidRequest("payload", nestedLists(Json.MAX_DEPTH + 1, null));
        assertInvalidRequest("payload", nestedLists(Json.MAX_DEPTH + 1, "x"));
        assertInvalidRequest("payload", nestedMaps(Json.MAX_DEPTH + 1, "x"));
        assertInvalidRequest("payload", nestedMapsEmpty(Json.MAX_DEPTH + 1));
        assertInvalidRequest("payload", alternating(Json.MAX_DEPTH + 1));
        assertInvalidRequest("payload", Map.of("a", nestedLists(Json.MAX_DEPTH, null)));
        assertInvalidRequest("payload", nestedLists(Json.MAX_DEPTH + 2, null));
        assertInvalidRequest("payload", nestedLists(100, "x"));
    }

    @Test
    void normaliseWhenSelfReferencingThenRefusedInsteadOfOverflowing() {
        List<Object> loop = new ArrayList<>();
        loop.add(loop);
        Map<String, Object> map = new HashMap<>();
        List<Object> list = new ArrayList<>();
        map.put("list", list);
        list.add(map);

        assertInvalidRequest("payload", loop);
        assertInvalidRequest("payload", map);
    }

    // ---------------------------------------------------------------- the 40-character number limit

    static Stream<String> fortyCharacterNumbers() {
        return Stream.of(
                "1".repeat(40),
                "-" + "9".repeat(39),
                "1" + "0".repeat(39),
                "-1" + "0".repeat(38),
                "0." + "0".repeat(37) + "1",
                "-0." + "0".repeat(36) + "1",
                "1234567890123456789.01234567890123456789",
                "-123456789012345678.01234567890123456789");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fortyCharacterNumbers")
    void numberWhenPlainFormIsFortyCharactersThenAcceptedEverywhereAndRoundTrips(String plain) {
        assertThat(plain).hasSize(Json.MAX_NUMBER_LENGTH);
        BigDecimal d = new BigDecimal(plain);
        Object normalised = Json.normalise("payload", d);

        assertThat(((BigDecimal) normalised).toPlainString()).isEqualTo(plain);
        assertThat(Json.write(d)).isEqualTo(plain);
        assertThat(Json.write(Map.of("n", List.of(d)))).isEqualTo("{\"n\":[" + plain + "]}");
        assertThat(Json.parse(plain)).isEqualTo(normalised);
        assertThat(Json.write(Json.parse(plain))).isEqualTo(plain);
        assertThat(Json.write(Json.parseObject("{\"n\":" + plain + "}"))).isEqualTo("{\"n\":" + plain + "}");
        // the same value typed in E notation is read and written back in its 40-character plain form
        String exponent = d.stripTrailingZeros().toString();
        assertThat(Json.write(Json.parse(exponent))).isEqualTo(plain);
    }

    static Stream<Arguments> tooLongNumbers() {
        return Stream.of(
                Arguments.of("41-digit integer", new BigDecimal("1".repeat(41)), List.of("1".repeat(41))),
                Arguments.of("41-digit BigInteger", new BigInteger("9".repeat(41)), List.of("9".repeat(41))),
                Arguments.of("minus and 40 digits", new BigDecimal("-" + "9".repeat(40)), List.of("-" + "9".repeat(40))),
                Arguments.of("1E+40", new BigDecimal("1E+40"), List.of("1E+40", "1e40", "10e39", "0.1e41")),
                Arguments.of("double 1e40", 1e40, List.of("1" + "0".repeat(40))),
                Arguments.of("double -1e39", -1e39, List.of("-1e39", "-1" + "0".repeat(39))),
                Arguments.of("41-character fraction", new BigDecimal("0." + "0".repeat(38) + "1"),
                        List.of("1e-39", "1E-39", "0.01e-37")),
                Arguments.of("double 1e-39", 1e-39, List.of("1e-39")),
                Arguments.of("negative 41-character fraction", new BigDecimal("-0." + "0".repeat(37) + "1"),
                        List.of("-1e-38")),
                Arguments.of("41 characters with a point", new BigDecimal("1234567890123456789.012345678901234567891"),
                        List.of("1.234567890123456789012345678901234567891e18")),
                Arguments.of("double -1.2345678901234567e-22", -1.2345678901234567e-22, List.of("-1.2345678901234567e-22")),
                Arguments.of("1e500", new BigDecimal("1e500"), List.of("1e500", "1E+500")),
                Arguments.of("Double.MAX_VALUE", Double.MAX_VALUE, List.of("1.7976931348623157E308")),
                Arguments.of("Double.MIN_VALUE", Double.MIN_VALUE, List.of("4.9E-324")),
                Arguments.of("Float.MIN_VALUE", Float.MIN_VALUE, List.of("1.4e-45")),
                Arguments.of("largest scale", new BigDecimal(BigInteger.ONE, Integer.MAX_VALUE), List.of()),
                Arguments.of("smallest scale", new BigDecimal(BigInteger.ONE, -Integer.MAX_VALUE), List.of()),
                Arguments.of("Integer.MIN_VALUE scale", new BigDecimal(BigInteger.ONE, Integer.MIN_VALUE), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tooLongNumbers")
    void numberWhenPlainFormLongerThanFortyCharactersThenRefusedEverywhere(String why, Number n, List<String> literals) {
        assertInvalidRequest("payload", n);
        assertInvalidRequest("payload", Map.of("n", List.of(1, n)));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(n))
                .withMessageContaining("longer than " + Json.MAX_NUMBER_LENGTH);
        assertThatIllegalArgumentException().isThrownBy(() -> Json.write(Map.of("n", List.of(n))));
        for (String literal : literals) {
            assertThatIllegalArgumentException().as(literal).isThrownBy(() -> Json.parse(literal))
                    .withMessageStartingWith("invalid JSON");
            assertThatIllegalArgumentException().as(literal).isThrownBy(() -> Json.parse("{\"n\":[" + literal + "]}"));
        }
    }

    @Test
    void normaliseWhenPayloadHoldsHugeBigDecimalThenInvalidRequest() {
        FleetgateException e = catchThrowableOfType(FleetgateException.class,
                () -> Json.normalise("payload", Map.of("n", new BigDecimal("1e500"))));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.details()).containsEntry("field", "payload");
        assertThat(e.getMessage()).isEqualTo("payload holds a number longer than " + Json.MAX_NUMBER_LENGTH + " digits");
    }

    @Test
    void numberWhenExponentHugeThenRefusedQuickly() {
        // Short to type, but a million digits in plain form: refused from precision and scale alone.
        assertTimeout(Duration.ofSeconds(2), () -> {
            for (String text : List.of("1e999999", "-1e999999", "1e-999999", "9.99E+999999", "1e999999999",
                    "1e-999999999", "[1e999999]", "{\"n\":1E999999}")) {
                assertThatIllegalArgumentException().as(text).isThrownBy(() -> Json.parse(text))
                        .withMessageStartingWith("invalid JSON");
            }
            assertInvalidRequest("payload", Map.of("n", new BigDecimal("1e999999")));
            assertInvalidRequest("payload", new BigDecimal("-1e-999999999"));
            assertThatIllegalArgumentException().isThrownBy(() -> Json.write(new BigDecimal("1e999999")));
            assertThatIllegalArgumentException().isThrownBy(() -> Json.write(List.of(new BigDecimal("1e-999999"))));
        });
    }

    // ---------------------------------------------------------------- parse

    @Test
    void parseWhenCanonicalTextOfNestedSampleThenNormalisedEqualsNormalisedOriginal() {
        Map<String, Object> address = new LinkedHashMap<>();
        address.put("street", "1 \"Main\" St\\Suite 4");
        address.put("city", "Z\u00fcrich \u65e5\u672c \uD83D\uDE9A");
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("stops", List.of(3, -2L, new BigDecimal("30.2672"), -97.7431, 0.5));
        sample.put("address", address);
        sample.put("flags", Arrays.asList(true, false, null));
        sample.put("note", "line1\nline2\t\u0001");
        sample.put("empty", Map.of());
        sample.put("nothing", null);

        String text = Json.write(sample);

        assertThat(Json.normalise("payload", Json.parse(text))).isEqualTo(Json.normalise("payload", sample));
        assertThat(Json.parseObject(text)).isEqualTo(Json.normalise("payload", sample));
        assertThat(Json.write(Json.parse(text))).isEqualTo(text);
    }

    @Test
    void parseWhenWhitespaceBetweenTokensThenAccepted() {
        Object v = Json.parse(" \t\r\n{ \"a\" : [ 1 , true , null , { } , [ ] ] ,\n\t\"b\" : \"x y\" } \r\n");

        assertThat(Json.write(v)).isEqualTo("{\"a\":[1,true,null,{},[]],\"b\":\"x y\"}");
    }

    @Test
    void parseWhenObjectThenKeepsKeyOrderAndNumbersAsBigDecimal() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse("{\"b\":1.50,\"a\":-2E+3,\"c\":\"x\"}");

        assertThat(m.keySet()).containsExactly("b", "a", "c");
        assertThat((BigDecimal) m.get("b")).isEqualByComparingTo("1.5");
        assertThat((BigDecimal) m.get("a")).isEqualByComparingTo("-2000");
        assertThat(Json.normalise("f", m)).isEqualTo(Json.normalise("f", Map.of("a", -2000, "b", 1.5, "c", "x")));
        assertThat(Json.write(m)).isEqualTo("{\"a\":-2000,\"b\":1.5,\"c\":\"x\"}");
    }

    @Test
    void parseWhenEscapesThenDecoded() {
        Object v = Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u00E9\\ud83d\\ude00\\u0000\"");

        assertThat(v).isEqualTo("\"\\/\b\f\n\r\t\u00e9\u00e9\uD83D\uDE00\u0000");
    }

    @Test
    void parseWhenScalarsThenValues() {
        assertThat(Json.parse("null")).isNull();
        assertThat(Json.parse("true")).isEqualTo(true);
        assertThat(Json.parse("false")).isEqualTo(false);
        assertThat(Json.parse("\"\"")).isEqualTo("");
        assertThat((BigDecimal) Json.parse("-0.5e-3")).isEqualByComparingTo("-0.0005");
        assertThat(Json.write(Json.parse("-0.5e-3"))).isEqualTo("-0.0005");
        assertThat(Json.write(Json.parse("1.7976931348623157E20"))).isEqualTo("179769313486231570000");
    }

    static Stream<Arguments> validNumberLiterals() {
        return Stream.of(
                Arguments.of("0", "0"),
                Arguments.of("-0", "0"),
                Arguments.of("-0.0", "0"),
                Arguments.of("0e0", "0"),
                Arguments.of("7", "7"),
                Arguments.of("-7", "-7"),
                Arguments.of("10", "10"),
                Arguments.of("0.5", "0.5"),
                Arguments.of("-0.5", "-0.5"),
                Arguments.of("1.0", "1"),
                Arguments.of("1.0e0", "1"),
                Arguments.of("1e5", "100000"),
                Arguments.of("1E5", "100000"),
                Arguments.of("1e+5", "100000"),
                Arguments.of("1E-5", "0.00001"),
                Arguments.of("-12.50e-1", "-1.25"),
                Arguments.of("0.00e5", "0"),
                Arguments.of("1E+39", "1" + "0".repeat(39)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("validNumberLiterals")
    void parseWhenNumberFollowsJsonGrammarThenReadByValue(String literal, String plain) {
        assertThat((BigDecimal) Json.parse(literal)).isEqualByComparingTo(new BigDecimal(plain));
        assertThat(Json.write(Json.parse(literal))).isEqualTo(plain);
        assertThat(Json.write(Json.parse("[" + literal + "]"))).isEqualTo("[" + plain + "]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"+1", "01", ".5", "1.", "-01", "00", "-00", "+0", "-.5", "1.e5", "1e", "1e+", "1E-",
        "1e5e5", "1e5.5", "1.5.2", "0x1F", "-+1", "+-1", "1-", "1-2", "1+", "[+1]", "{\"a\":01}", "[.5]", "[1.]",
        "[1,.5]", "\u0661", "\uFF11"})
    void parseWhenNumberOutsideJsonGrammarThenRefused(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parse(text)).withMessageStartingWith("invalid JSON");
    }

    @Test
    void parseWhenUnicodeEscapeHasExactlyFourHexDigitsThenDecoded() {
        assertThat(Json.parse("\"\\u0041\"")).isEqualTo("A");
        assertThat(Json.parse("\"\\uABCD\\uabcd\\uAbCd\"")).isEqualTo("\uABCD\uABCD\uABCD");
        assertThat(Json.parse("\"\\u00410\"")).as("only four digits belong to the escape").isEqualTo("A0");
        assertThat(Json.parse("\"\\u0000\\uffff\"")).isEqualTo("\u0000\uffff");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\\u+041\"", "\"\\u-041\"", "\"\\u+0041\"", "\"\\u 041\"", "\"\\u0x41\"",
        "\"\\u004\"", "\"\\u04\"", "\"\\u\"", "\"\\u00G1\"", "\"\\U0041\"", "\"\\u004", "{\"\\u+041\":1}"})
    void parseWhenUnicodeEscapeNotFourHexDigitsThenRefused(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parse(text)).withMessageStartingWith("invalid JSON");
    }

    static Stream<Arguments> invalidTexts() {
        return Stream.of(
                Arguments.of("empty input", ""),
                Arguments.of("only whitespace", " \n\t "),
                Arguments.of("trailing characters after object", "{} x"),
                Arguments.of("trailing bracket", "[1]]"),
                Arguments.of("two values", "1 2"),
                Arguments.of("trailing characters after literal", "truex"),
                Arguments.of("duplicate key", "{\"a\":1,\"a\":2}"),
                Arguments.of("duplicate key with same value", "{\"a\":1,\"b\":0,\"a\":1}"),
                Arguments.of("unterminated string", "\"abc"),
                Arguments.of("unterminated string after backslash", "\"abc\\"),
                Arguments.of("unterminated key", "{\"a"),
                Arguments.of("bad escape", "\"\\x\""),
                Arguments.of("bad escape \\'", "\"\\'\""),
                Arguments.of("short unicode escape", "\"\\u12\""),
                Arguments.of("short unicode escape at end", "\"\\u00e"),
                Arguments.of("non-hex unicode escape", "\"\\uzzzz\""),
                Arguments.of("raw control character", "\"a\u0001b\""),
                Arguments.of("raw newline", "\"a\nb\""),
                Arguments.of("raw tab", "\"a\tb\""),
                Arguments.of("NaN literal", "NaN"),
                Arguments.of("Infinity literal", "Infinity"),
                Arguments.of("-Infinity literal", "-Infinity"),
                Arguments.of("NaN in array", "[NaN]"),
                Arguments.of("truncated literal", "nul"),
                Arguments.of("wrong-case literal", "True"),
                Arguments.of("trailing comma in array", "[1,]"),
                Arguments.of("trailing comma in object", "{\"a\":1,}"),
                Arguments.of("unquoted key", "{a:1}"),
                Arguments.of("missing colon", "{\"a\" 1}"),
                Arguments.of("single quotes", "'a'"),
                Arguments.of("unclosed array", "[1"),
                Arguments.of("unclosed object", "{\"a\":1"),
                Arguments.of("lone minus", "-"),
                Arguments.of("exponent without digits", "1e"),
                Arguments.of("double minus", "--1"),
                Arguments.of("huge exponent", "1e999999"),
                Arguments.of("largest double", "1.7976931348623157E308"),
                Arguments.of("smallest double", "4.9E-324"),
                Arguments.of("short literal with a 41-character plain form", "1e40"),
                Arguments.of("short fraction with a 41-character plain form", "1e-39"),
                Arguments.of("plus sign", "+1"),
                Arguments.of("leading zero", "01"),
                Arguments.of("no integer part", ".5"),
                Arguments.of("no fraction digits", "1."),
                Arguments.of("signed unicode escape", "\"\\u+041\""),
                Arguments.of("17 nested empty arrays", "[".repeat(17) + "]".repeat(17)),
                Arguments.of("huge negative exponent", "1e-999999"),
                Arguments.of("exponent beyond int", "1e99999999999"),
                Arguments.of("41-digit integer", "1".repeat(Json.MAX_NUMBER_LENGTH + 1)),
                Arguments.of("42-char decimal", "0." + "0".repeat(39) + "1"),
                Arguments.of("long number in array", "[" + "9".repeat(100) + "]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTexts")
    void parseWhenTextInvalidThenRefused(String why, String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parse(text)).withMessageStartingWith("invalid JSON");
    }

    @Test
    void parseWhenNumberLiteralAtLengthLimitThenAccepted() {
        String forty = "1".repeat(Json.MAX_NUMBER_LENGTH);

        assertThat(Json.parse(forty)).isEqualTo(new BigDecimal(forty));
        assertThat(Json.parse("[" + forty + "]")).isEqualTo(List.of(new BigDecimal(forty)));
    }

    @Test
    void parseWhenNestedSixteenDeepThenAccepted() {
        int d = Json.MAX_DEPTH;
        String emptyArrays = "[".repeat(d) + "]".repeat(d);

        assertThat(Json.write(Json.parse(emptyArrays))).isEqualTo(emptyArrays);
        assertThat(Json.write(Json.parse(alternatingText(d)))).isEqualTo(alternatingText(d));
        assertThat(Json.parseObject("{\"a\":".repeat(d - 1) + "{}" + "}".repeat(d - 1))).isNotNull();
        assertThat(Json.parse("[".repeat(d) + "\"[[[[{{{{\"" + "]".repeat(d))).as("brackets in strings do not count")
                .isInstanceOf(List.class);

        assertThat(Json.parse("[".repeat(d) + "]".repeat(d))).isInstanceOf(List.class);
        assertThat(Json.parse("[".repeat(d) + "1" + "]".repeat(d))).isInstanceOf(List.class);
        assertThat(Json.parse("{\"a\":".repeat(d) + "1" + "}".repeat(d))).isInstanceOf(Map.class);
        assertThat(Json.write(Json.parse("[".repeat(d) + "\"x\"" + "]".repeat(d))))
                .isEqualTo(Json.write(nestedLists(d, "x")));
    }

    @Test
    void parseWhenNestedDeeperThanSixteenThenRefused() {
        int d = Json.MAX_DEPTH + 1;

        assertThatIllegalArgumentException().isThrownBy(() -> Json.parse("[".repeat(d) + "]".repeat(d)))
                .withMessageContaining("more than " + Json.MAX_DEPTH + " nested arrays or objects");
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parse(alternatingText(d)));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Json.parseObject("{\"a\":".repeat(d - 1) + "{}" + "}".repeat(d - 1)));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parse("[".repeat(d) + "1" + "]".repeat(d)));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parse("{\"a\":".repeat(d) + "1" + "}".repeat(d)));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parse("[".repeat(d + 1) + "]".repeat(d + 1)));
        // Hostile depth fails fast on the limit rather than overflowing the stack.
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parse("[".repeat(100_000)))
                .withMessageContaining("more than " + Json.MAX_DEPTH + " nested");
    }

    @Test
    void parseObjectWhenObjectThenSortedUnmodifiableNormalisedMap() {
        Map<String, Object> m = Json.parseObject(" {\"b\":[1.0],\"a\":{\"d\":1,\"c\":2}} ");

        assertThat(m.keySet()).containsExactly("a", "b");
        assertThat(new ArrayList<Object>(((Map<?, ?>) m.get("a")).keySet())).containsExactly("c", "d");
        assertThatThrownBy(() -> m.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Json.write(m)).isEqualTo("{\"a\":{\"c\":2,\"d\":1},\"b\":[1]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{}]", "1", "\"{}\"", "null", "true"})
    void parseObjectWhenNotObjectThenRefused(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parseObject(text))
                .withMessageContaining("expected a JSON object");
    }

    @Test
    void parseObjectWhenInvalidJsonThenRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parseObject("{\"a\":1,\"a\":2}"));
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parseObject(""));
    }

    // ---------------------------------------------------------------- randomized round trip

    @Test
    void roundTripWhenRandomNestedValuesThenParseOfWriteGivesSameValueAndWriteIsIdempotent() {
        Random rnd = new Random(SEED);
        for (int i = 0; i < 500; i++) {
            Object v = randomValue(rnd, 0);
            String text = Json.write(v);
            String context = "seed " + SEED + ", value #" + i + ": " + text;

            Object parsed = Json.parse(text);

            // normalise strips trailing zeros, so 5.0 from a Double equals 5 read back
            assertThat(Json.normalise("v", parsed)).as(context).isEqualTo(Json.normalise("v", v));
            assertThat(Json.write(parsed)).as(context).isEqualTo(text);
            assertThat(Json.write(Json.normalise("v", v))).as(context).isEqualTo(text);
        }
    }

    @Test
    void roundTripWhenRandomNumbersThenPlainFormReadBackOrRefusedEverywhereWhenLongerThanForty() {
        Random rnd = new Random(SEED);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 5_000; i++) {
            Number n = randomAnyNumber(rnd);
            String plain = plainForm(n);
            String context = "seed " + SEED + ", number #" + i + ": " + n + " (" + n.getClass().getSimpleName() + ")";

            if (plain.length() <= Json.MAX_NUMBER_LENGTH) {
                accepted++;
                assertThat(Json.write(n)).as(context).isEqualTo(plain).matches(PLAIN);
                assertThat(Json.parse(plain)).as(context).isEqualTo(Json.normalise("n", n));
                assertThat(Json.write(Json.parse(plain))).as(context).isEqualTo(plain);
            } else {
                refused++;
                assertThatIllegalArgumentException().as(context).isThrownBy(() -> Json.write(n));
                assertThatThrownBy(() -> Json.normalise("n", n)).as(context).isInstanceOf(FleetgateException.class);
                assertThatIllegalArgumentException().as(context).isThrownBy(() -> Json.parse(plain));
                String exponent = new BigDecimal(plain).toString();
                assertThatIllegalArgumentException().as(context).isThrownBy(() -> Json.parse(exponent));
            }
        }
        assertThat(accepted).as("numbers that fit").isGreaterThan(2_000);
        assertThat(refused).as("numbers that do not fit").isGreaterThan(500);
    }

    // ---------------------------------------------------------------- helpers

    private static void assertInvalidRequest(String field, Object value) {
        FleetgateException e = catchThrowableOfType(FleetgateException.class, () -> Json.normalise(field, value));

        assertThat(e).as("normalise(%s) should be refused", field).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.details()).containsEntry("field", field);
        assertThat(e.getMessage()).startsWith(field + " ");
    }

    /** {@code depth} lists, the innermost holding {@code leaf} (or empty when it is {@code null}). */
    private static Object nestedLists(int depth, Object leaf) {
        Object v = leaf == null ? List.of() : List.of(leaf);
        for (int i = 1; i < depth; i++) {
            v = List.of(v);
        }
        return v;
    }

    /** {@code depth} maps under key {@code a}, the innermost holding {@code leaf}. */
    private static Object nestedMaps(int depth, Object leaf) {
        Object v = Map.of("a", leaf);
        for (int i = 1; i < depth; i++) {
            v = Map.of("a", v);
        }
        return v;
    }

    /** {@code depth} maps under key {@code a}, the innermost empty. */
    private static Object nestedMapsEmpty(int depth) {
        Object v = Map.of();
        for (int i = 1; i < depth; i++) {
            v = Map.of("a", v);
        }
        return v;
    }

    /** {@code depth} containers, a list outermost, then a map under key {@code k}, and so on; the innermost empty. */
    private static Object alternating(int depth) {
        Object v = depth % 2 == 0 ? Map.of() : List.of();
        for (int level = depth - 1; level >= 1; level--) {
            v = level % 2 == 0 ? Map.of("k", v) : List.of(v);
        }
        return v;
    }

    /** The canonical text of {@link #alternating}. */
    private static String alternatingText(int depth) {
        String v = depth % 2 == 0 ? "{}" : "[]";
        for (int level = depth - 1; level >= 1; level--) {
            v = level % 2 == 0 ? "{\"k\":" + v + "}" : "[" + v + "]";
        }
        return v;
    }

    /**
     * The plain form the javadoc promises, worked out independently of {@link Json}: the decimal
     * value (doubles and floats by their shortest decimal), without exponent or trailing zeros.
     */
    private static String plainForm(Number n) {
        BigDecimal d;
        if (n instanceof BigDecimal b) {
            d = b;
        } else if (n instanceof BigInteger b) {
            d = new BigDecimal(b);
        } else if (n instanceof Double || n instanceof Float) {
            d = new BigDecimal(Double.toString(n.doubleValue()));
        } else {
            d = new BigDecimal(n.toString());
        }
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    private static final String[] PIECES = {
        "a", "b", "Z", "0", " ", "/", "\"", "\\", "\n", "\r", "\t", "\b", "\f", "\u0001", "\u001f",
        "\u007f", "\u00e9", "\u00fc", "\u65e5", "\u2028", "\uFEFF", "\uFF21", "\uD83D\uDE00", "\uD83D\uDE9A",
        "\\u0041", "{", "}", "[", "]", ",", ":", "null", "1e5",
    };

    @Test
    void normaliseWhenStringOrKeyHoldsNulThenRefusedBecausePostgresCannotStoreIt() {
        assertThatThrownBy(() -> Json.normalise("payload", Map.of("k", "a\u0000b")))
                .isInstanceOfSatisfying(FleetgateException.class,
                        e -> assertThat(e.details()).containsEntry("field", "payload"));
        assertThatThrownBy(() -> Json.normalise("payload", Map.of("a\u0000", "v"))).isInstanceOf(FleetgateException.class);
        assertThatThrownBy(() -> Json.parseObject("{\"k\":\"\\u0000\"}")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Json.parse("\"\\u0000\"")).isEqualTo("\u0000");
    }

    private static String randomString(Random rnd) {
        int n = rnd.nextInt(12);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(8) == 0) {
                char c = (char) (1 + rnd.nextInt(0xD7FF)); // any BMP character below the surrogates but NUL
                s.append(c);
            } else {
                s.append(PIECES[rnd.nextInt(PIECES.length)]);
            }
        }
        return s.toString();
    }

    /** A random number whose plain form fits the limit. */
    private static Number randomNumber(Random rnd) {
        Number n;
        do {
            n = randomAnyNumber(rnd);
        } while (plainForm(n).length() > Json.MAX_NUMBER_LENGTH);
        return n;
    }

    /** A random finite number of any supported type, possibly too long to store. */
    private static Number randomAnyNumber(Random rnd) {
        return switch (rnd.nextInt(10)) {
            case 0 -> rnd.nextInt();
            case 1 -> rnd.nextLong();
            case 2 -> (rnd.nextInt(21) - 10) * (long) Math.pow(10, rnd.nextInt(12));
            case 3 -> (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(61) - 30);
            case 4 -> {
                double d;
                do {
                    d = Double.longBitsToDouble(rnd.nextLong());
                } while (Double.isNaN(d) || Double.isInfinite(d));
                yield d;
            }
            case 5 -> (float) ((rnd.nextDouble() - 0.5) * 1000);
            case 6 -> new BigDecimal(BigInteger.valueOf(rnd.nextLong() % 1_000_000_000_000L), rnd.nextInt(41) - 20);
            // around the limit: up to 42 digits, scale -45..45
            case 7 -> new BigDecimal(new BigInteger(rnd.nextInt(140), rnd).multiply(BigInteger.valueOf(rnd.nextBoolean() ? 1 : -1)),
                    rnd.nextInt(91) - 45);
            case 8 -> new BigInteger(rnd.nextInt(140), rnd);
            default -> rnd.nextBoolean() ? 0.0 : -0.0;
        };
    }

    private static Object randomValue(Random rnd, int depth) {
        int kind = rnd.nextInt(depth >= 5 ? 5 : 7);
        return switch (kind) {
            case 0 -> null;
            case 1 -> rnd.nextBoolean();
            case 2 -> randomString(rnd);
            case 3, 4 -> randomNumber(rnd);
            case 5 -> {
                Map<String, Object> m = new LinkedHashMap<>();
                int n = rnd.nextInt(5);
                for (int i = 0; i < n; i++) {
                    m.put(randomString(rnd), randomValue(rnd, depth + 1));
                }
                yield m;
            }
            default -> {
                List<Object> l = new ArrayList<>();
                int n = rnd.nextInt(5);
                for (int i = 0; i < n; i++) {
                    l.add(randomValue(rnd, depth + 1));
                }
                yield l;
            }
        };
    }
}
