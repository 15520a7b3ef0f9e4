package org.costobservatory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.costobservatory.json.Json;
import org.junit.jupiter.api.Test;

/** API Gateway HTTP API events (payload 2.0) in, response objects out, as the function's JSON. */
class HttpApiEventsTest {
    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theReadmeEventBecomesTheRequest() throws Exception {
        ApiRequest request = HttpApiEvents.request(Files.readAllBytes(Path.of("../events/headroom.json")));

        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/v1/headroom");
        assertThat(request.rawQuery()).isEqualTo("budget=team-agents&estimate_usd=2.50");
        assertThat(request.headers()).containsEntry("user-agent", "curl/7.88.1").containsEntry("x-forwarded-proto",
                "https");
        assertThat(request.body()).isEmpty();
        assertThat(request.iamCaller()).contains("arn:aws:iam::123456789012:user/agent-engine");
    }

    @Test
    void aBodyIsReadAsTextOrFromBase64AndHeaderNamesAreLowerCased() {
        ApiRequest text = HttpApiEvents.request(bytes("""
                {"rawPath": "/v1/budgets/team", "headers": {"Content-Type": "application/json"},
                 "requestContext": {"http": {"method": "put"}}, "body": "{\\"limit_usd\\": 100}",
                 "isBase64Encoded": false}"""));
        assertThat(text.method()).isEqualTo("PUT");
        assertThat(text.headers()).containsEntry("content-type", "application/json");
        assertThat(text.bodyText()).isEqualTo("{\"limit_usd\": 100}");
        assertThat(text.iamCaller()).isEmpty();

        ApiRequest encoded = HttpApiEvents.request(bytes("{\"rawPath\": \"/v1/holds\", \"body\": \""
                + Base64.getEncoder().encodeToString(bytes("{\"estimate_usd\": 2}")) + "\", \"isBase64Encoded\": true,"
                + " \"requestContext\": {\"http\": {\"method\": \"POST\"}, \"authorizer\": {\"iam\": "
                + "{\"userArn\": null, \"callerId\": \"AIDAEXAMPLE\"}}}}"));
        assertThat(encoded.bodyText()).isEqualTo("{\"estimate_usd\": 2}");
        assertThat(encoded.iamCaller()).as("callerId when there is no user ARN").contains("AIDAEXAMPLE");
    }

    @Test
    void withoutRawPathTheContextPathIsUsedAndAnEmptyEventIsARequestForTheRoot() {
        assertThat(HttpApiEvents.request(bytes("{\"requestContext\": {\"http\": {\"method\": \"GET\", "
                + "\"path\": \"/v1/alerts\"}}}")).path()).isEqualTo("/v1/alerts");
        ApiRequest empty = HttpApiEvents.request(bytes("{}"));
        assertThat(empty.method()).isEqualTo("GET");
        assertThat(empty.path()).isEqualTo("/");
        assertThat(empty.rawQuery()).isEmpty();
    }

    @Test
    void whatIsNotAnEventIsRefusedNamingWhy() {
        assertThatThrownBy(() -> HttpApiEvents.request(bytes("not json"))).isInstanceOf(HttpApiEvents.NotAnEvent.class)
                .hasMessage("the invocation is not JSON");
        assertThatThrownBy(() -> HttpApiEvents.request(bytes("[1, 2]")))
                .hasMessage("the invocation is not an API Gateway HTTP API event (a JSON object)");
        assertThatThrownBy(() -> HttpApiEvents.request(bytes("{\"body\": \"%%%\", \"isBase64Encoded\": true}")))
                .hasMessage("the event's body is marked base64 but is not base64");
    }

    @Test
    void jsonAndTextAreAnsweredAsTextAnythingElseAsBase64() throws Exception {
        JsonNode json = Json.mapper().readTree(HttpApiEvents.response(ApiResponse.invalid("budget: required")));
        assertThat(json.get("statusCode").asInt()).isEqualTo(400);
        assertThat(json.at("/headers/content-type").asText()).isEqualTo("application/json");
        assertThat(json.get("isBase64Encoded").asBoolean()).isFalse();
        assertThat(Json.mapper().readTree(json.get("body").asText()).at("/error/message").asText())
                .isEqualTo("budget: required");

        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
        JsonNode binary = Json.mapper().readTree(HttpApiEvents.response(new ApiResponse(200,
                Map.of("content-type", "image/png"), png)));
        assertThat(binary.get("isBase64Encoded").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(binary.get("body").asText())).isEqualTo(png);
    }
}
