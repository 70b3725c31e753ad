package io.fleetgate.examples.torture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every write a host acknowledged with a 2xx: activated and completed exclusive sessions and
 * accepted driver events, by id; and every write it answered 503 {@code STORE_UNAVAILABLE}
 * ("nothing was done"): activations by their {@code intent_session_id}, events by id. Written to a file (one {@code kind id} a line) so that a later
 * {@code torture verify}, after the host was killed and restarted, checks them; violations seen
 * while making them travel along. Thread-safe.
 */
final class Ledger {
    private final Set<String> activated = ConcurrentHashMap.newKeySet();
    private final Set<String> completed = ConcurrentHashMap.newKeySet();
    private final Set<String> events = ConcurrentHashMap.newKeySet();
    private final Set<String> refusedActivations = ConcurrentHashMap.newKeySet();
    private final Set<String> refusedEvents = ConcurrentHashMap.newKeySet();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());

    void activated(String sessionId) {
        activated.add(sessionId);
    }

    void completed(String sessionId) {
        completed.add(sessionId);
    }

    void event(String eventId) {
        events.add(eventId);
    }

    /** Notes an activation, by its {@code intent_session_id}, answered 503: it must not be stored. */
    void refusedActivation(String intentId) {
        refusedActivations.add(intentId);
    }

    /** Notes an event answered 503 (with its whole sync): it must not be in the log. */
    void refusedEvent(String eventId) {
        refusedEvents.add(eventId);
    }

    /** @return intent ids of activations answered 503 */
    Set<String> refusedActivations() {
        return refusedActivations;
    }

    /** @return ids of events answered 503 */
    Set<String> refusedEvents() {
        return refusedEvents;
    }

    /** Notes a violation seen while the writes were made, so that it travels with them. */
    void violation(String sentence) {
        violations.add(sentence.replaceAll("[\\r\\n]+", " "));
    }

    /** @return the violations noted, in order */
    List<String> violations() {
        return List.copyOf(violations);
    }

    /** @return sessions acknowledged as activated (201) */
    Set<String> activated() {
        return activated;
    }

    /** @return sessions acknowledged as completed (200) */
    Set<String> completed() {
        return completed;
    }

    /** @return events acknowledged as ACCEPTED */
    Set<String> events() {
        return events;
    }

    /** @return the number of acknowledged writes */
    int size() {
        return activated.size() + completed.size() + events.size();
    }

    /** Adds every write of {@code other}. */
    void addAll(Ledger other) {
        activated.addAll(other.activated);
        completed.addAll(other.completed);
        events.addAll(other.events);
        refusedActivations.addAll(other.refusedActivations);
        refusedEvents.addAll(other.refusedEvents);
        violations.addAll(other.violations);
    }

    void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        activated.forEach(id -> lines.add("activated " + id));
        completed.forEach(id -> lines.add("completed " + id));
        events.forEach(id -> lines.add("event " + id));
        refusedActivations.forEach(id -> lines.add("refused-activation " + id));
        refusedEvents.forEach(id -> lines.add("refused-event " + id));
        violations.forEach(v -> lines.add("violation " + v));
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    static Ledger read(Path file) throws IOException {
        Ledger ledger = new Ledger();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.split(" ", 2);
            if (parts.length != 2) {
                throw new IOException(file + ": not a ledger line: " + line);
            }
            switch (parts[0]) {
                case "activated" -> ledger.activated(parts[1]);
                case "completed" -> ledger.completed(parts[1]);
                case "event" -> ledger.event(parts[1]);
                case "refused-activation" -> ledger.refusedActivation(parts[1]);
                case "refused-event" -> ledger.refusedEvent(parts[1]);
                case "violation" -> ledger.violation(parts[1]);
                default -> throw new IOException(file + ": not a ledger line: " + line);
            }
        }
        return ledger;
    }
}
