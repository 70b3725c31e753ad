package io.fleetgate.examples.http;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonIoTest {
    private static final int CAP = JsonIo.MAX_BODY_BYTES;

    /** A stream of n bytes that counts how many were read. */
    private static final class Counting extends InputStream {
        private final long size;
        long read;

        Counting(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            if (read >= size) {
                return -1;
            }
            read++;
            return ' ';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (read >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - read);
            read += n;
            return n;
        }
    }

    @Test
    void readCappedWhenAtTheCapThenWholeBody() throws Exception {
        assertThat(JsonIo.readCapped(new Counting(CAP), null)).hasSize(CAP);
    }

    @Test
    void readCappedWhenStreamLongerThenRefusedAfterCapPlusOneBytes() {
        Counting body = new Counting(2L << 20);

        assertThatThrownBy(() -> JsonIo.readCapped(body, null))
                .isInstanceOfSatisfying(HttpError.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.code()).isEqualTo("PAYLOAD_TOO_LARGE");
                });
        assertThat(body.read).isEqualTo(CAP + 1L);
    }

    @Test
    void readCappedWhenDeclaredLengthOverCapThenRefusedWithoutReading() {
        Counting body = new Counting(2L << 20);

        assertThatThrownBy(() -> JsonIo.readCapped(body, Long.toString(2L << 20)))
                .isInstanceOf(HttpError.class);
        assertThat(body.read).isZero();
    }

    @Test
    void parseObjectWhenNotAnObjectOrMalformedThenInvalidRequest() {
        for (String text : List.of("", "[]", "42", "{", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "{\"a\":NaN}",
                "// c\n{}")) {
            assertThatThrownBy(() -> JsonIo.parseObject(text.getBytes(StandardCharsets.UTF_8)))
                    .as(text)
                    .isInstanceOfSatisfying(FleetgateException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
        }
    }

    @Test
    void parseObjectWhenAnExponentDoesNotFitThenInvalidRequest() {
        for (String number : List.of("-1e-99999999999999999999", "1e99999999999999999999", "1.5E+2147483648",
                "1e1000000001", "-2.5e-1000000002")) {
            assertThatThrownBy(() -> JsonIo.parseObject(("{\"lat\":" + number + "}").getBytes(StandardCharsets.UTF_8)))
                    .as(number)
                    .isInstanceOfSatisfying(FleetgateException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                        assertThat(e.getMessage()).doesNotContain("Exception");
                    });
        }
    }

    @Test
    void parseObjectWhenNotUtf8ThenInvalidRequest() {
        byte[][] notUtf8 = {{(byte) 0xff}, {(byte) 0xc3, 0x28}, {(byte) 0xc0, (byte) 0xaf},
                {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}};
        for (byte[] bad : notUtf8) {
            byte[] body = new byte[bad.length + 8];
            System.arraycopy("{\"a\":\"".getBytes(StandardCharsets.US_ASCII), 0, body, 0, 6);
            System.arraycopy(bad, 0, body, 6, bad.length);
            body[body.length - 2] = '"';
            body[body.length - 1] = '}';

            assertThatThrownBy(() -> JsonIo.parseObject(body))
                    .as("%s", java.util.Arrays.toString(bad))
                    .isInstanceOfSatisfying(FleetgateException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
        }
        assertThat(JsonIo.parseObject("{\"a\":\"\u00e9\ud83d\ude00\"}".getBytes(StandardCharsets.UTF_8)).get("a").asText())
                .isEqualTo("\u00e9\ud83d\ude00");
    }

    @Test
    void parseObjectWhenNestedTooDeepThenInvalidRequest() {
        String deep = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";

        assertThatThrownBy(() -> JsonIo.parseObject(deep.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FleetgateException.class);
    }

    @Test
    void fieldsWhenWrongTypeThenInvalidRequestNamingTheField() {
        var node = JsonIo.parseObject("{\"s\":1,\"n\":\"1\",\"i\":1.5,\"o\":[],\"e\":\"NOPE\"}"
                .getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> JsonIo.text(node, "s")).hasMessage("s must be a string");
        assertThatThrownBy(() -> JsonIo.number(node, "n")).hasMessage("n must be a number");
        assertThatThrownBy(() -> JsonIo.integer(node, "i")).hasMessage("i must be a whole number");
        assertThatThrownBy(() -> JsonIo.object(node, "o")).hasMessage("o must be an object");
        assertThatThrownBy(() -> JsonIo.enumValue(node, "e", ErrorCode.class)).hasMessageStartingWith("e must be one of");
        assertThat(JsonIo.text(node, "absent")).isNull();
    }

    @Test
    void objectWhenNumbersThenExactBigDecimals() {
        var node = JsonIo.parseObject("{\"p\":{\"x\":30.2672000,\"n\":7,\"l\":[true,null,\"s\"]}}"
                .getBytes(StandardCharsets.UTF_8));

        Map<String, Object> p = JsonIo.object(node, "p");

        assertThat(p.get("x")).isInstanceOf(BigDecimal.class);
        assertThat((BigDecimal) p.get("x")).isEqualByComparingTo("30.2672");
        assertThat(p.get("n")).isEqualTo(new BigDecimal("7"));
        assertThat(p.get("l")).isEqualTo(java.util.Arrays.asList(true, null, "s"));
    }

    @Test
    void writeWhenBigDecimalThenPlainNotation() {
        assertThat(new String(JsonIo.write(Map.of("v", new BigDecimal("1E+3"))), StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":1000}");
    }

    @Test
    void readCappedWhenEmptyThenEmpty() throws Exception {
        assertThat(JsonIo.readCapped(new ByteArrayInputStream(new byte[0]), "0")).isEmpty();
    }
}
