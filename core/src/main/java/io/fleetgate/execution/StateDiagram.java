package io.fleetgate.execution;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Draws a {@link DriverStateMachine}'s table as a Mermaid {@code stateDiagram-v2}, the source of
 * {@code docs/state-machine.md}. Stateless and thread-safe.
 *
 * <p>The drawing has an edge for every allowed move to a fixed status, labelled with the events
 * that make it (several events on one edge are merged into one label). Overrides, which may move a
 * batch from any status to any status, are drawn only as edges into the locked status (SUSPENDED);
 * a note says the rest, and that {@code PROOF_CAPTURED} changes nothing. Edges are ordered by
 * their first event, then by from-status and to-status, all in enum order, so the drawing reads
 * like the table and the same table always gives the same text.
 */
public final class StateDiagram {
    private static final String INDENT = "    ";

    private StateDiagram() {
    }

    /**
     * {@return Mermaid {@code stateDiagram-v2} text, lines ending in {@code \n}}
     *
     * @param machine the machine whose table to draw
     */
    public static String mermaid(DriverStateMachine machine) {
        Map<DriverStatus, Map<DriverStatus, Set<DriverEventType>>> edges = new EnumMap<>(DriverStatus.class);
        Set<DriverEventType> overrides = EnumSet.noneOf(DriverEventType.class);
        Set<DriverEventType> unchanged = EnumSet.noneOf(DriverEventType.class);
        for (DriverEventType event : DriverEventType.values()) {
            switch (machine.outcome(event)) {
                case FIXED -> {
                    DriverStatus to = machine.target(event).orElseThrow();
                    for (DriverStatus from : machine.allowedFrom(event)) {
                        edge(edges, from, to).add(event);
                    }
                }
                case GIVEN -> {
                    overrides.add(event);
                    for (DriverStatus locked : machine.locked()) {
                        for (DriverStatus from : machine.allowedFrom(event)) {
                            if (from != locked) {
                                edge(edges, from, locked).add(event);
                            }
                        }
                    }
                }
                case UNCHANGED -> unchanged.add(event);
                default -> throw new AssertionError(event);
            }
        }

        StringBuilder out = new StringBuilder("stateDiagram-v2\n");
        line(out, "[*] --> " + machine.initial());
        List<Edge> sorted = new ArrayList<>();
        edges.forEach((from, targets) -> targets.forEach((to, events) -> sorted.add(new Edge(from, to, events))));
        sorted.sort(Comparator.comparing((Edge e) -> e.events().iterator().next())
                .thenComparing(Edge::from).thenComparing(Edge::to));
        for (Edge edge : sorted) {
            line(out, edge.from() + " --> " + edge.to() + " : " + String.join(", ", names(edge.events())));
        }

        List<String> note = new ArrayList<>();
        for (DriverEventType event : overrides) {
            note.add(event + " may move a batch from " + everywhere(machine.allowedFrom(event))
                    + " to any status.");
            if (!machine.locked().isEmpty()) {
                note.add("Only its edges into " + DriverStateMachine.joined(machine.locked(), " and ") + " are drawn.");
            }
        }
        for (DriverStatus locked : machine.locked()) {
            note.add("From " + locked + " only " + DriverStateMachine.joined(overrides, " or ") + " is accepted.");
        }
        for (DriverEventType event : unchanged) {
            note.add(event + " changes nothing and is accepted " + everywhereShort(machine.allowedFrom(event)) + ".");
        }
        if (!note.isEmpty()) {
            DriverStatus at = machine.locked().isEmpty() ? machine.initial() : machine.locked().iterator().next();
            line(out, "note right of " + at);
            for (String text : note) {
                line(out, INDENT + text);
            }
            line(out, "end note");
        }
        return out.toString();
    }

    /** One arrow: its events are in enum order, and the first one places it in the drawing. */
    private record Edge(DriverStatus from, DriverStatus to, Set<DriverEventType> events) {
    }

    private static Set<DriverEventType> edge(Map<DriverStatus, Map<DriverStatus, Set<DriverEventType>>> edges,
                                             DriverStatus from, DriverStatus to) {
        return edges.computeIfAbsent(from, f -> new EnumMap<>(DriverStatus.class))
                .computeIfAbsent(to, t -> EnumSet.noneOf(DriverEventType.class));
    }

    private static List<String> names(Set<DriverEventType> events) {
        List<String> names = new ArrayList<>();
        events.forEach(e -> names.add(e.name()));
        return names;
    }

    /** {@return "any status", "any status except A and B" or "A or B"} */
    private static String everywhere(Set<DriverStatus> from) {
        EnumSet<DriverStatus> missing = EnumSet.allOf(DriverStatus.class);
        missing.removeAll(from);
        if (missing.isEmpty()) {
            return "any status";
        }
        return from.size() >= missing.size()
                ? "any status except " + DriverStateMachine.joined(missing, " and ")
                : DriverStateMachine.joined(from, " or ");
    }

    /** {@return "everywhere", "everywhere except A and B" or "only from A or B"} */
    private static String everywhereShort(Set<DriverStatus> from) {
        String where = everywhere(from);
        return where.startsWith("any status") ? where.replace("any status", "everywhere") : "only from " + where;
    }

    private static void line(StringBuilder out, String text) {
        out.append(INDENT).append(text).append('\n');
    }
}
