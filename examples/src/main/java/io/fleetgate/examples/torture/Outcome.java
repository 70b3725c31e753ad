package io.fleetgate.examples.torture;

import java.util.List;

/**
 * What one scenario found, printed as one line:
 * {@code SCENARIO <name> <ok|VIOLATION> load=<…> faults=<…> violations=<n> <details>}, where the
 * details name the first few violations. Immutable.
 *
 * @param name       the scenario
 * @param load       what was sent, without spaces, e.g. {@code 200-activations}
 * @param faults     what was injected, without spaces, or {@code none}
 * @param violations one sentence per violation
 * @param details    what was seen, for the reader
 */
record Outcome(String name, String load, String faults, List<String> violations, String details) {
    private static final int SHOWN = 3;

    Outcome {
        violations = List.copyOf(violations);
    }

    boolean ok() {
        return violations.isEmpty();
    }

    String line() {
        StringBuilder s = new StringBuilder("SCENARIO ").append(name).append(ok() ? " ok" : " VIOLATION")
                .append(" load=").append(load).append(" faults=").append(faults)
                .append(" violations=").append(violations.size()).append(' ').append(details);
        for (int i = 0; i < Math.min(SHOWN, violations.size()); i++) {
            s.append(" | ").append(violations.get(i));
        }
        if (violations.size() > SHOWN) {
            s.append(" | … ").append(violations.size() - SHOWN).append(" more");
        }
        return s.toString().replaceAll("[\\r\\n]+", " ");
    }
}
