package io.fleetgate.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hashes PINs with PBKDF2-HMAC-SHA256 and verifies them.
 *
 * <p>A stored hash reads {@code pbkdf2-sha256$<iterations>$<salt>$<hash>[$pepper]} (salt and hash
 * base64, 16 and 32 bytes), so its parameters travel with it: raising the iteration count later
 * makes {@link Verification#needsRehash()} true for older hashes, and the credential service
 * rehashes them at the next successful login. With a pepper (a secret held outside the database),
 * the PIN is first keyed with HMAC-SHA256 under the pepper, so a stolen table alone does not allow
 * an offline search; a six-digit PIN has only a million values, so the pepper and the online
 * lockout, not the iteration count, are the real defence. {@link #dummyVerify} costs the same as a
 * real verification, so an unknown username cannot be told from a wrong PIN by timing.
 *
 * <p>Immutable and thread-safe.
 */
public final class PinHasher {
    /** The production iteration count (OWASP 2023 for PBKDF2-HMAC-SHA256). */
    public static final int DEFAULT_ITERATIONS = 600_000;
    private static final String PREFIX = "pbkdf2-sha256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] pepper;
    private final String dummyHash;
    private final Runnable onDerive;

    /**
     * Creates a hasher with a cost and an optional pepper.
     *
     * @param iterations PBKDF2 iterations, at least 1,000 (use {@link #DEFAULT_ITERATIONS})
     * @param pepper     a secret mixed into every hash, or {@code null} for none
     * @throws IllegalArgumentException for fewer than 1,000 iterations or a pepper under 16 bytes
     */
    public PinHasher(int iterations, byte[] pepper) {
        this(iterations, pepper, null);
    }

    private PinHasher(int iterations, byte[] pepper, Runnable onDerive) {
        if (iterations < 1_000) {
            throw new IllegalArgumentException("PIN_HASH_ITERATIONS must be at least 1000");
        }
        if (pepper != null && pepper.length < 16) {
            throw new IllegalArgumentException("FLEETGATE_PIN_PEPPER must be at least 16 bytes");
        }
        this.iterations = iterations;
        this.pepper = pepper == null ? null : pepper.clone();
        this.dummyHash = hash("000000");
        this.onDerive = onDerive; // after the dummy hash: only derivations asked for later are observed
    }

    /**
     * A hasher for tests only: 1,000 iterations, no pepper. Never use it in production.
     *
     * @return the hasher
     */
    public static PinHasher forTestsOnlyWeak() {
        return new PinHasher(1_000, null);
    }

    /**
     * A hasher for tests only, as {@link #forTestsOnlyWeak()}, that runs {@code onEveryHash} on
     * the calling thread before each PBKDF2 derivation (a hash, a verification or a dummy
     * verification), so that a test can count how many PINs were really evaluated, or hold one
     * evaluation in progress. Never use it in production.
     *
     * @param onEveryHash called once per derivation
     * @return the hasher
     */
    public static PinHasher forTestsOnlyWeak(Runnable onEveryHash) {
        return new PinHasher(1_000, null, Objects.requireNonNull(onEveryHash, "onEveryHash"));
    }

    /** {@return the iteration count new hashes use} */
    public int iterations() {
        return iterations;
    }

    /**
     * {@return the encoded hash with its parameters and a fresh random salt}
     *
     * @param pin the PIN
     */
    public String hash(String pin) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(pin, salt, iterations, pepper != null)) + (pepper != null ? "$pepper" : "");
    }

    /**
     * {@return whether it matches and whether the hash should be renewed}
     *
     * @param pin    the PIN offered
     * @param stored an encoded hash from {@link #hash}
     */
    public Verification verify(String pin, String stored) {
        String[] parts = Objects.requireNonNull(stored, "stored").split("\\$");
        if (parts.length < 4 || !parts[0].equals(PREFIX)) {
            dummyVerify(pin);
            return new Verification(false, false);
        }
        int storedIterations = Integer.parseInt(parts[1]);
        boolean peppered = parts.length == 5 && parts[4].equals("pepper");
        if (peppered && pepper == null) {
            dummyVerify(pin);
            return new Verification(false, false);
        }
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        boolean ok = MessageDigest.isEqual(expected, derive(pin, salt, storedIterations, peppered));
        boolean rehash = ok && (storedIterations < iterations || peppered != (pepper != null));
        return new Verification(ok, rehash);
    }

    /**
     * Does the work of a verification and throws the answer away: for unknown usernames.
     *
     * @param pin the PIN offered
     */
    public void dummyVerify(String pin) {
        verify(pin == null ? "" : pin, dummyHash);
    }

    private byte[] derive(String pin, byte[] salt, int rounds, boolean peppered) {
        if (onDerive != null) {
            onDerive.run();
        }
        try {
            char[] secret = peppered ? keyed(pin) : pin.toCharArray();
            PBEKeySpec spec = new PBEKeySpec(secret, salt, rounds, 256);
            try {
                return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        }
    }

    private char[] keyed(String pin) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(pepper, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(pin.getBytes(StandardCharsets.UTF_8))).toCharArray();
    }

    /**
     * The result of {@link #verify}.
     *
     * @param matches     whether the PIN is right
     * @param needsRehash whether the stored hash uses weaker parameters than this hasher
     */
    public record Verification(boolean matches, boolean needsRehash) {
    }
}
