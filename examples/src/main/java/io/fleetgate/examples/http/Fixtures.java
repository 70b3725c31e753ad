package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.Principal;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.Merchant;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.Stop;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Corridor;
import io.fleetgate.session.EnrolRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads a fixtures file (the format in {@code docs/http-api.md}) through the library's services
 * only, as the system principal: workspaces, users (credential plus a membership with their role
 * in their workspace), chargers, merchants and batches (with their stops, a stop's polygon
 * included, and a batch's optional corridor, {@code {"line": [[lat, lng], …], "width_m"}}). A
 * batch is read whole before it is created: a malformed polygon or corridor refuses it and
 * nothing of it is written.
 *
 * <p>Loading the same file again changes nothing: workspaces, memberships and places are upserts
 * with the same values, enrolling the same user with the same PIN is a no-op, and a batch that
 * already exists with the same workspace, driver, stops and corridor is left as it is, whatever
 * its status now. A user enrolled with another PIN, or a batch id naming a different batch, is refused.
 * Stateless and thread-safe.
 */
final class Fixtures {
    private Fixtures() {
    }

    /**
     * @param file     the fixtures file
     * @param services the services
     * @throws IllegalArgumentException naming the file and the entry, when it cannot be read or loaded
     */
    static void load(Path file, Services services) {
        ObjectNode root;
        try {
            root = JsonIo.parseObject(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read fixtures " + file + ": " + e.getMessage(), e);
        } catch (FleetgateException e) {
            throw new IllegalArgumentException("fixtures " + file + ": " + e.getMessage(), e);
        }
        Principal system = Principal.system();
        each(file, root, "workspaces", w -> services.access().upsertWorkspace(system, new Workspace(
                JsonIo.requiredText(w, "id"), JsonIo.text(w, "name"),
                Boolean.TRUE.equals(bool(w, "require_signed_events")))));
        each(file, root, "users", u -> {
            String id = JsonIo.requiredText(u, "id");
            Role role = JsonIo.enumValue(u, "role", Role.class);
            if (role == null) {
                throw FleetgateException.invalid("role", "is required");
            }
            services.credentials().enrol(system, new EnrolRequest(id, JsonIo.requiredText(u, "username"),
                    JsonIo.requiredText(u, "pin")));
            services.access().addMember(system, new Membership(id, JsonIo.requiredText(u, "workspace_id"), role));
        });
        each(file, root, "chargers", c -> services.exclusive().upsertCharger(system, new Charger(JsonIo.requiredText(c, "id"),
                JsonIo.text(c, "place_id"),
                Coordinate.of(JsonIo.requiredNumber(c, "lat"), JsonIo.requiredNumber(c, "lng")))));
        each(file, root, "merchants", m -> services.exclusive().upsertMerchant(system, new Merchant(JsonIo.requiredText(m, "id"),
                JsonIo.text(m, "place_id"), JsonIo.text(m, "name"))));
        each(file, root, "batches", b -> batch(b, services));
    }

    private static void batch(ObjectNode b, Services services) {
        String id = JsonIo.requiredText(b, "id");
        String workspaceId = JsonIo.requiredText(b, "workspace_id");
        String driverId = JsonIo.text(b, "driver_id");
        JsonNode stopsNode = b.get("stops");
        if (stopsNode == null || !stopsNode.isArray()) {
            throw FleetgateException.invalid("stops", "must be an array of stops");
        }
        List<Stop> stops = Views.stops(stopsNode);
        Corridor corridor = corridor(b.get("corridor"));
        Optional<Batch> existing = find(services, id);
        if (existing.isPresent()) {
            Batch e = existing.get();
            if (e.workspaceId().equals(workspaceId) && Objects.equals(e.driverId(), driverId)
                    && e.stops().equals(stops) && Objects.equals(e.corridor(), corridor)) {
                return;
            }
            throw FleetgateException.invalid("id", "already names a different batch");
        }
        services.execution().createBatch(Principal.system(),
                new CreateBatchRequest(id, workspaceId, driverId, stops, JsonIo.object(b, "metadata"), corridor));
    }

    /**
     * Reads a batch's corridor: {@code {"line": [[lat, lng], …], "width_m"}} (2 to
     * {@value Corridor#MAX_VERTICES} vertices, a width over 0 and at most {@value Corridor#MAX_WIDTH_M} m).
     *
     * @param node the {@code corridor} value, or {@code null}
     * @return the corridor, or {@code null} when absent or JSON {@code null}
     * @throws FleetgateException {@code INVALID_REQUEST} naming {@code corridor}, {@code corridor.line}
     *                            or {@code corridor.width_m}
     */
    private static final Set<String> CORRIDOR_KEYS = Set.of("line", "width_m");

    static Corridor corridor(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw FleetgateException.invalid("corridor", "must be an object {\"line\": [[lat, lng], …], \"width_m\"}");
        }
        JsonIo.requireKnown((ObjectNode) node, CORRIDOR_KEYS, "corridor.", "is not a corridor field (line, width_m)");
        JsonNode line = node.get("line");
        JsonNode width = node.get("width_m");
        if (line == null || line.isNull()) {
            throw FleetgateException.invalid("corridor.line", "is required");
        }
        if (width == null || width.isNull()) {
            throw FleetgateException.invalid("corridor.width_m", "is required");
        }
        if (!width.isNumber()) {
            throw FleetgateException.invalid("corridor.width_m", "must be a number of metres");
        }
        List<Coordinate> vertices;
        try {
            vertices = Coordinate.fromJson("corridor.line", JsonIo.plain(line), Corridor.MAX_VERTICES);
        } catch (InvalidRequestException e) {
            // a vertex out of range is refused naming lat or lng: name the line
            throw e.field().startsWith("corridor.") ? e : FleetgateException.invalid("corridor.line",
                    "holds a vertex whose " + e.getMessage());
        }
        return Corridor.of(vertices, width.doubleValue());
    }

    private static Optional<Batch> find(Services services, String id) {
        try {
            return Optional.of(services.execution().batch(Principal.system(), id));
        } catch (FleetgateException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Boolean bool(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw FleetgateException.invalid(field, "must be true or false");
        }
        return v.booleanValue();
    }

    private interface Entry {
        void load(ObjectNode entry);
    }

    private static void each(Path file, ObjectNode root, String section, Entry loader) {
        JsonNode list = root.get(section);
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException("fixtures " + file + ": " + section + " must be an array");
        }
        for (int i = 0; i < list.size(); i++) {
            String where = "fixtures " + file + ": " + section + "[" + i + "]";
            JsonNode entry = list.get(i);
            if (!entry.isObject()) {
                throw new IllegalArgumentException(where + " must be an object");
            }
            try {
                loader.load((ObjectNode) entry);
            } catch (FleetgateException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
    }
}
