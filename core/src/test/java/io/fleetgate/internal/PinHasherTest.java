package io.fleetgate.internal;

import io.fleetgate.FleetgateSettings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PinHasherTest {
    private static final byte[] PEPPER = "pepper-of-16-bytes!".getBytes(StandardCharsets.US_ASCII);

    @Test
    void hashWhenDefaultSettingsThenSixHundredThousandIterationsAndVerifies() {
        PinHasher production = new PinHasher(FleetgateSettings.defaults().login().pinHashIterations(), null);
        assertThat(production.iterations()).isEqualTo(PinHasher.DEFAULT_ITERATIONS).isEqualTo(600_000);

        String stored = production.hash("482193");

        assertThat(stored).startsWith("pbkdf2-sha256$600000$").doesNotContain("482193");
        assertThat(production.verify("482193", stored)).isEqualTo(new PinHasher.Verification(true, false));
        assertThat(production.verify("482194", stored).matches()).isFalse();
    }

    @Test
    void hashWhenSamePinTwiceThenDifferentSalts() {
        PinHasher h = PinHasher.forTestsOnlyWeak();
        assertThat(h.hash("123456")).isNotEqualTo(h.hash("123456"));
    }

    @Test
    void verifyWhenStoredWithFewerIterationsThenMatchesAndAsksForRehash() {
        String old = PinHasher.forTestsOnlyWeak().hash("123456");
        PinHasher stronger = new PinHasher(5_000, null);
        assertThat(stronger.verify("123456", old)).isEqualTo(new PinHasher.Verification(true, true));
        assertThat(stronger.verify("654321", old)).isEqualTo(new PinHasher.Verification(false, false));
    }

    @Test
    void verifyWhenPepperedThenNeedsThePepper() {
        PinHasher peppered = new PinHasher(1_000, PEPPER);
        String stored = peppered.hash("123456");

        assertThat(stored).endsWith("$pepper");
        assertThat(peppered.verify("123456", stored).matches()).isTrue();
        assertThat(PinHasher.forTestsOnlyWeak().verify("123456", stored).matches()).isFalse();
        assertThat(new PinHasher(1_000, "another-pepper-16b".getBytes(StandardCharsets.US_ASCII))
                .verify("123456", stored).matches()).isFalse();
        // adding a pepper later: old hashes still verify and are renewed
        String plain = PinHasher.forTestsOnlyWeak().hash("123456");
        assertThat(peppered.verify("123456", plain)).isEqualTo(new PinHasher.Verification(true, true));
    }

    @Test
    void verifyWhenStoredValueMalformedThenNoMatch() {
        assertThat(PinHasher.forTestsOnlyWeak().verify("123456", "md5$abc").matches()).isFalse();
    }

    @Test
    void constructWhenTooFewIterationsOrShortPepperThenRefused() {
        assertThatThrownBy(() -> new PinHasher(999, null)).hasMessageContaining("PIN_HASH_ITERATIONS");
        assertThatThrownBy(() -> new PinHasher(1_000, new byte[8])).hasMessageContaining("FLEETGATE_PIN_PEPPER");
    }
}
