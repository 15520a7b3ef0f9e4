package org.costobservatory.testing;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.costobservatory.json.Json;

/**
 * Calls an HTTP API handler the way Lambda does, with the event's JSON, for tests that build events as objects: the
 * event is written as JSON, the handler's output read back as the response object.
 */
public final class HttpApiCalls {
    private HttpApiCalls() {
    }

    public static APIGatewayV2HTTPResponse call(RequestStreamHandler handler, APIGatewayV2HTTPEvent event) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(Json.mapper().writeValueAsBytes(event)), out,
                    new TestContext());
            return Json.mapper().readValue(out.toByteArray(), APIGatewayV2HTTPResponse.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
