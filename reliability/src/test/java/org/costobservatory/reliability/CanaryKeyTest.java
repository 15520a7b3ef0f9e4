package org.costobservatory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.costobservatory.anthropic.FakeAdminApi;
import org.costobservatory.anthropic.RetryPolicy;
import org.costobservatory.anthropic.SsmAdminKey;
import org.costobservatory.api.ApiRequest;
import org.costobservatory.api.ApiResponse;
import org.costobservatory.domain.Budget;
import org.costobservatory.domain.BudgetPeriod;
import org.costobservatory.domain.BudgetScope;
import org.costobservatory.ingest.IngestSummary;
import org.costobservatory.local.Observatory;
import org.costobservatory.log.Log;
import org.costobservatory.testing.AlertInbox;
import org.costobservatory.testing.DynamoDbLocal;
import org.costobservatory.testing.MotoServer;
import org.costobservatory.testing.TableDump;
import org.costobservatory.wiring.SsmParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Case 19 and rule N6: a canary admin key, read from an SSM SecureString on moto_server, goes through every path,
 * failures included. It must appear in no log line, exception, stored item, SNS message or HTTP body.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CanaryKeyTest {
    private static final String CANARY = "sk-ant-admin01-CANARY-" + UUID.randomUUID();

    @Test
    void theAdminKeyNeverLeavesTheProcess() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable logs = Log.addSink(seen::add); FakeAdminApi api = FakeAdminApi.start();
             AlertInbox inbox = new AlertInbox(MotoServer.shared())) {
            SsmClient ssm = MotoServer.shared().client(SsmClient.builder());
            String parameter = "/cost-observatory/canary-" + UUID.randomUUID();
            ssm.putParameter(b -> b.name(parameter).type(ParameterType.SECURE_STRING).value(CANARY));
            Fixture system = new Fixture(api, new SsmAdminKey(SsmParameters.fromEnvironment(java.util.Map.of(
                    "AWS_ENDPOINT_URL_SSM", MotoServer.shared().endpoint().toString(), "AWS_REGION", "us-east-1")),
                    parameter), inbox.publisher(), RetryPolicy.DEFAULT.withRequestTimeout(FakeAdminApi.TEST_REQUEST_TIMEOUT),
                    DynamoDbLocal.shared().newTable());
            system.components.budgets().put(new Budget("canary", new BigDecimal("10"), BudgetPeriod.MONTHLY,
                    ZoneOffset.UTC, BudgetScope.ORGANISATION, Budget.DEFAULT_THRESHOLDS, Budget.DEFAULT_WARN_PERCENT,
                    Optional.empty(), Optional.empty(), Optional.empty()));
            List<Throwable> failures = new ArrayList<>();

            // successful runs of both reports, with alerts through real SNS
            system.setCostWatermark("2026-08-10T00:00:00Z");
            system.setUsageWatermark("2026-08-13T22:00:00Z");
            system.serveCost(Fixture.costDays("2026-08-10", "2026-08-13", "50"), 2);
            system.serveUsage(Fixture.usageHours("2026-08-13T22:00:00Z", "2026-08-14T02:00:00Z", 2), 2);
            IngestSummary cost = system.cost.run(Fixture.DAILY, api.deadline());
            IngestSummary usage = system.usage.run(Fixture.HOURLY, api.deadline());
            assertThat(cost.alertsSent() + usage.alertsSent()).isPositive();

            // case 2: server errors until the retries run out
            api.reset();
            api.server().stubFor(FakeAdminApi.costPage(null).willReturn(Fixture.error(503, "api_error", "down")));
            failures.add(catching(() -> system.cost.run(Fixture.DAILY, api.deadline())));
            // case 6: a 401 (the key is re-read from SSM once), and an upstream error that echoes the key back
            api.reset();
            api.server().stubFor(FakeAdminApi.costPage(null).willReturn(Fixture.error(401, "authentication_error",
                    "invalid x-api-key")));
            failures.add(catching(() -> system.cost.run(Fixture.DAILY, api.deadline())));
            api.reset();
            api.server().stubFor(FakeAdminApi.costPage(null).willReturn(Fixture.error(400, "invalid_request_error",
                    "key " + CANARY + " is not allowed here")));
            failures.add(catching(() -> system.cost.run(Fixture.DAILY, api.deadline())));
            api.reset();
            api.server().stubFor(FakeAdminApi.usagePage(null).willReturn(com.github.tomakehurst.wiremock.client
                    .WireMock.aResponse().withStatus(502).withBody("<html>proxy error for " + CANARY + "</html>")));
            failures.add(catching(() -> system.usage.run(Fixture.HOURLY, api.deadline())));
            // case 7: a malformed page
            api.reset();
            api.server().stubFor(FakeAdminApi.costPage(null).willReturn(Fixture.json("{\"data\": [{\"amount\": ")));
            failures.add(catching(() -> system.cost.run(Fixture.DAILY, api.deadline())));
            assertThat(failures).hasSize(5).doesNotContainNull();

            // every HTTP route, errors included
            var router = system.components.router(false);
            List<String> bodies = new ArrayList<>();
            for (String path : List.of("/v1/headroom?budget=canary&estimate_usd=1", "/v1/headroom",
                    "/v1/headroom?budget=nope", "/v1/headroom?estimate_usd=-1", "/v1/budgets", "/v1/budgets/canary",
                    "/v1/alerts", "/v1/health", "/", "/v1/reports/costs?from=2026-08-10&to=2026-08-13&group_by=day",
                    "/v1/reports/usage?from=2026-08-13&to=2026-08-14&group_by=api_key&format=csv",
                    "/v1/reconciliation?from=2026-08-10&to=2026-08-13&group_by=model", "/nowhere")) {
                int q = path.indexOf('?');
                ApiResponse response = router.handle(new ApiRequest("GET", q < 0 ? path : path.substring(0, q),
                        q < 0 ? "" : path.substring(q + 1), Map.of(), new byte[0], Optional.empty()));
                bodies.add(response.bodyText());
                bodies.add(response.headers().toString());
            }

            // the CLI with the key in its environment, pulling from an endpoint that refuses it
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            new Observatory(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    Map.of("ANTHROPIC_ADMIN_KEY", CANARY, "ANTHROPIC_ADMIN_BASE_URL", api.baseUri().toString()),
                    Clock.systemUTC()).run(new String[] {"pull", "cost", "--from", "2026-08-10", "--to", "2026-08-11",
                            "--data-dir", java.nio.file.Files.createTempDirectory("canary").toString()});
            bodies.add(out.toString(StandardCharsets.UTF_8));
            bodies.add(err.toString(StandardCharsets.UTF_8));

            List<JsonNode> messages = inbox.drain();
            assertThat(messages).isNotEmpty();

            // the scan
            assertThat(seen).isNotEmpty().noneMatch(line -> line.contains(CANARY));
            for (Throwable failure : failures) {
                StringWriter trace = new StringWriter();
                failure.printStackTrace(new PrintWriter(trace));
                assertThat(trace.toString()).doesNotContain(CANARY);
            }
            assertThat(TableDump.all(system.dynamo, system.table).toString()).doesNotContain(CANARY);
            assertThat(messages.toString()).doesNotContain(CANARY);
            assertThat(bodies).noneMatch(body -> body.contains(CANARY));
            assertThat(String.join("\n", bodies)).contains("canary").contains("Cost Observatory");
        }
    }

    private static Throwable catching(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("expected the run to fail");
    }
}
