package io.fleetgate.session;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventSignaturesTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final EventSignatures signatures = new EventSignatures(SECRET);

    @Test
    void keyForWhenSameSessionThenSameKeyAndOtherSessionOtherKey() {
        assertThat(signatures.keyFor("s-1")).isEqualTo(new EventSignatures(SECRET).keyFor("s-1"))
                .isNotEqualTo(signatures.keyFor("s-2"));
    }

    @Test
    void verifyWhenSignedWithSessionKeyThenTrueElseFalse() {
        String body = "{\"batch_id\":\"b_1\",\"event_id\":\"e-1\"}";
        String sig = EventSignatures.sign(signatures.keyFor("s-1"), body);

        assertThat(signatures.verify("s-1", body, sig)).isTrue();
        assertThat(signatures.verify("s-2", body, sig)).isFalse();
        assertThat(signatures.verify("s-1", body + " ", sig)).isFalse();
        assertThat(signatures.verify("s-1", body, "not base64!")).isFalse();
        assertThat(signatures.verify("s-1", body, EventSignatures.sign(signatures.keyFor("s-2"), body))).isFalse();
    }

    @Test
    void verifyWhenAnotherServerSecretThenFalse() {
        EventSignatures other = new EventSignatures("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));
        String sig = EventSignatures.sign(other.keyFor("s-1"), "x");
        assertThat(signatures.verify("s-1", "x", sig)).isFalse();
    }

    @Test
    void constructWhenSecretMissingOrShortThenRefusedNamingSetting() {
        assertThatThrownBy(() -> new EventSignatures(null)).hasMessageContaining("FLEETGATE_SIGNING_SECRET");
        assertThatThrownBy(() -> new EventSignatures(new byte[31])).hasMessageContaining("FLEETGATE_SIGNING_SECRET");
    }
}
