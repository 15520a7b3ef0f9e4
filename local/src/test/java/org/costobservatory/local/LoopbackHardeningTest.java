package org.costobservatory.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local server against what a web page in the user's browser could send it: requests under a foreign
 * {@code Host} (DNS rebinding), cross-site writes, and form bodies. Each is refused before the handler runs, so the
 * table is unchanged and no pull starts; the server's own clients (the CLI, the shell client) are unaffected.
 */
class LoopbackHardeningTest {
    @TempDir
    static Path dataDir;
    private static LocalServer server;
    private static int port;

    @BeforeAll
    static void serve() throws IOException {
        server = LocalServer.start(new Observatory.ServeOptions(dataDir, true, 0, Optional.empty(), Optional.empty(),
                false), Map.of(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                LocalServerTest.CLOCK);
        port = server.url().getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Reply(int status, String body) {
    }

    /** One HTTP/1.1 request written by hand, so the Host header is exactly what a browser would send. */
    static Reply send(String method, String path, Map<String, String> headers, String body) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("Content-Length: ").append(content.length).append("\r\nConnection: close\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int blank = response.indexOf("\r\n\r\n");
            return new Reply(status, blank < 0 ? "" : response.substring(blank + 4));
        }
    }

    static Map<String, String> host(String value) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", value);
        return headers;
    }

    static Map<String, String> json(String hostValue) {
        Map<String, String> headers = host(hostValue);
        headers.put("Content-Type", "application/json");
        return headers;
    }

    private static String own() {
        return "127.0.0.1:" + port;
    }

    @Test
    void aForeignHostIsMisdirectedAndTheLoopbackNamesAreServed() throws Exception {
        Reply rebound = send("GET", "/v1/budgets", host("evil.example.com"), "");
        assertThat(rebound.status()).isEqualTo(421);
        assertThat(rebound.body()).contains("misdirected_request").doesNotContain("budgets\":[");
        assertThat(send("GET", "/v1/budgets", host("evil.example.com:" + port), "").status()).isEqualTo(421);
        assertThat(send("GET", "/v1/budgets", host("127.0.0.1:" + (port + 1)), "").status()).isEqualTo(421);
        assertThat(send("GET", "/", host("127.0.0.1"), "").status()).as("no port").isEqualTo(421);
        assertThat(send("GET", "/v1/budgets", new LinkedHashMap<>(), "").status()).as("no Host at all")
                .isIn(400, 421);

        for (String name : new String[]{"127.0.0.1", "localhost", "LOCALHOST", "[::1]"}) {
            Reply served = send("GET", "/v1/budgets", host(name + ":" + port), "");
            assertThat(served.status()).as(name).isEqualTo(200);
            assertThat(served.body()).contains("\"budgets\":[");
        }
    }

    @Test
    void aWriteUnderAForeignHostTouchesNothing() throws Exception {
        Reply refused = send("PUT", "/v1/budgets/rebound", json("attacker.example:" + port),
                "{\"limit_usd\": 1, \"period\": \"monthly\"}");

        assertThat(refused.status()).isEqualTo(421);
        assertThat(send("GET", "/v1/budgets/rebound", host(own()), "").status()).isEqualTo(404);
    }

    @Test
    void aCrossSiteWriteIsForbiddenAndTheServersOwnOriginIsNot() throws Exception {
        Map<String, String> foreign = json(own());
        foreign.put("Origin", "https://evil.example.com");
        Reply refused = send("PUT", "/v1/budgets/cross-site", foreign, "{\"limit_usd\": 1, \"period\": \"monthly\"}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("forbidden");
        assertThat(send("GET", "/v1/budgets/cross-site", host(own()), "").status()).isEqualTo(404);

        foreign.put("Origin", "null");
        assertThat(send("DELETE", "/v1/budgets/org-monthly", foreign, "").status()).as("a sandboxed page")
                .isEqualTo(403);
        assertThat(send("GET", "/v1/budgets/org-monthly", host(own()), "").status()).isEqualTo(200);

        Map<String, String> same = json(own());
        same.put("Origin", "http://" + own());
        assertThat(send("PUT", "/v1/budgets/same-site", same, "{\"limit_usd\": 1, \"period\": \"monthly\"}")
                .status()).isEqualTo(201);
        Map<String, String> foreignRead = host(own());
        foreignRead.put("Origin", "https://evil.example.com");
        assertThat(send("GET", "/v1/budgets/same-site", foreignRead, "").status()).as("reads are not writes")
                .isEqualTo(200);
    }

    @Test
    void aFormPostCannotStartAPull() throws Exception {
        Map<String, String> form = host(own());
        form.put("Content-Type", "text/plain");
        Reply refused = send("POST", "/v1/pulls", form,
                "{\"report\": \"cost\", \"from\": \"2026-11-01\", \"to\": \"2026-11-02\"}");
        assertThat(refused.status()).isEqualTo(415);
        assertThat(refused.body()).contains("application/json");

        form.put("Content-Type", "application/x-www-form-urlencoded");
        assertThat(send("POST", "/v1/pulls", form, "report=cost&from=2026-11-01&to=2026-11-02").status())
                .isEqualTo(415);
        assertThat(send("POST", "/v1/pulls", host(own()), "report=cost").status()).as("no content type")
                .isEqualTo(415);
        assertThat(send("GET", "/v1/pulls/current", host(own()), "").body()).contains("\"running\":false");
        assertThat(server.runtime().components().reports().costDay(java.time.LocalDate.parse("2026-11-01")))
                .as("nothing was pulled").isEmpty();

        Map<String, String> charset = json(own());
        charset.put("Content-Type", "application/json; charset=utf-8");
        assertThat(send("PUT", "/v1/budgets/with-charset", charset, "{\"limit_usd\": 2, \"period\": \"daily\"}")
                .status()).isEqualTo(201);
    }

    @Test
    void theCliStillWorksAgainstTheHardenedServer() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Observatory cli = new Observatory(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), LocalServerTest.CLOCK);

        int set = cli.run(new String[]{"budgets", "set", "from-cli", "--limit", "5", "--period", "weekly",
                "--reset-notice", "false", "--url", "http://localhost:" + port});
        String saved = send("GET", "/v1/budgets/from-cli", host(own()), "").body();
        int list = cli.run(new String[]{"budgets", "list", "--url", server.url().toString()});
        int delete = cli.run(new String[]{"budgets", "delete", "from-cli", "--url", server.url().toString()});

        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(new int[]{set, list, delete}).containsOnly(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("saved ").contains("from-cli").contains("deleted");
        assertThat(saved).contains("\"reset_notice\":false");
        assertThat(cli.run(new String[]{"budgets", "set", "x", "--limit", "5", "--period", "daily", "--reset-notice",
                "maybe", "--url", server.url().toString()})).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--reset-notice must be true or false");
    }
}
