package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.Principal;
import io.fleetgate.access.Role;
import io.fleetgate.session.LoginRequest;
import io.fleetgate.session.LoginResult;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /v1/auth/*}: login, token refresh, logout, each one call of
 * {@link io.fleetgate.session.SessionService}. The role in the answer is the principal
 * {@link io.fleetgate.access.AccessService#principalFor} resolves for the user. Stateless and
 * thread-safe.
 */
final class AuthApi {
    private AuthApi() {
    }

    static void register(Router router) {
        router.add("POST", "/v1/auth/login", AuthApi::login)
                .add("POST", "/v1/auth/refresh", AuthApi::refresh)
                .add("POST", "/v1/auth/logout", AuthApi::logout);
    }

    static Response login(Call call) throws IOException {
        ObjectNode body = call.body();
        LoginRequest request = new LoginRequest(JsonIo.requiredText(body, "username"),
                JsonIo.requiredText(body, "pin"), JsonIo.requiredText(body, "device_id"), call.clientAddress());
        LoginResult result = call.services().sessions().login(Principal.system(), request);
        return Response.ok(loginBody(call.services(), result));
    }

    static Response refresh(Call call) {
        LoginResult result = call.services().sessions().refresh(call.bearerToken());
        return Response.ok(loginBody(call.services(), result));
    }

    static Response logout(Call call) {
        call.services().sessions().logout(call.bearerToken());
        return Response.noContent();
    }

    private static Map<String, Object> loginBody(Services services, LoginResult result) {
        String userId = result.session().userId();
        Principal principal = services.access().principalFor(Principal.system(), userId, null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token", result.token());
        m.put("session_id", result.session().id());
        m.put("user_id", userId);
        m.put("role", role(principal).name());
        m.put("expires_at", Views.time(result.session().expiresAt()));
        m.put("signing_key", result.signingKey());
        return m;
    }

    static Role role(Principal principal) {
        if (principal instanceof Principal.Supervisor) {
            return Role.SUPERVISOR;
        }
        if (principal instanceof Principal.Member) {
            return Role.MEMBER;
        }
        return Role.DRIVER;
    }
}
