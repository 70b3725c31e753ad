package io.fleetgate.examples;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * Prints the demo's story: headings, and one line per step with the outcome's code in a
 * fixed-width column beside a human sentence. Not thread-safe; one per run.
 */
final class Narrator {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final PrintStream out;

    /** @param out where the story is printed */
    Narrator(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** @param text a heading, printed flush left */
    void heading(String text) {
        out.println(text);
    }

    /** Prints an empty line, between chapters. */
    void blank() {
        out.println();
    }

    /**
     * @param code     the outcome's code as the library gave it (a status or an error code)
     * @param sentence what happened
     */
    void step(Object code, String sentence) {
        out.printf("  %-22s %s%n", code, sentence);
    }

    /** @param sentence something that happens without an outcome, such as time passing */
    void aside(String sentence) {
        step("", sentence);
    }

    /**
     * @param instant an instant
     * @return its UTC time of day, e.g. {@code 11:00:00Z}
     */
    static String time(Instant instant) {
        return TIME.format(instant);
    }

    /**
     * @param id a session id
     * @return its first eight characters and an ellipsis, enough to tell sessions apart
     */
    static String shortId(String id) {
        return id.length() <= 8 ? id : id.substring(0, 8) + "…";
    }
}
