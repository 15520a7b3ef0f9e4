package org.costobservatory.local;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a server on loopback without authentication refuses before anything else runs, so that a web page the user
 * happens to visit cannot use it:
 * <ul>
 *   <li>a {@code Host} other than {@code 127.0.0.1:PORT}, {@code localhost:PORT} or {@code [::1]:PORT}: 421. A page
 *       on a domain that re-points its DNS to 127.0.0.1 (DNS rebinding) sends its own name here;</li>
 *   <li>a state-changing request ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}) with an {@code Origin}
 *       other than the server's own: 403. Browsers send {@code Origin} on every such request, and scripts and the
 *       CLI send none;</li>
 *   <li>a state-changing request whose body is not {@code application/json}: 415. A cross-site HTML form can only
 *       send form or plain-text bodies without asking the server first.</li>
 * </ul>
 */
final class LoopbackGuard {
    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    /** Why a request was refused. */
    record Refusal(int status, String type, String message) {
        byte[] body() {
            return ("{\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final Set<String> hosts;
    private final Set<String> origins;

    LoopbackGuard(int port) {
        this.hosts = Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
        this.origins = Set.of("http://127.0.0.1:" + port, "http://localhost:" + port, "http://[::1]:" + port);
    }

    /**
     * @param headers lower-case names
     * @return the refusal, or empty when the request may go on
     */
    Optional<Refusal> check(String method, Map<String, String> headers, boolean hasBody) {
        String host = headers.get("host");
        if (host == null || !hosts.contains(host.trim().toLowerCase(Locale.ROOT))) {
            return Optional.of(new Refusal(421, "misdirected_request", "this server answers only to "
                    + String.join(", ", hosts.stream().sorted().toList()) + " in the Host header"));
        }
        if (!STATE_CHANGING.contains(method.toUpperCase(Locale.ROOT))) {
            return Optional.empty();
        }
        String origin = headers.get("origin");
        if (origin != null && !origins.contains(origin.trim().toLowerCase(Locale.ROOT))) {
            return Optional.of(new Refusal(403, "forbidden", "requests that change something are refused from "
                    + "other origins"));
        }
        String type = headers.get("content-type");
        String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if ((hasBody || type != null) && !mediaType.equals("application/json")) {
            return Optional.of(new Refusal(415, "unsupported_media_type", "the body must be application/json"));
        }
        return Optional.empty();
    }
}
