package org.costobservatory.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.costobservatory.api.ApiRequest;
import org.costobservatory.api.ApiResponse;

/**
 * Where CLI commands send their API requests: a running local server over HTTP, or the router of a runtime opened
 * in this process (on the data directory, or on a deployed stack's table).
 */
interface Target extends AutoCloseable {

    ApiResponse send(ApiRequest request);

    /** A short description for messages, e.g. "the server at http://127.0.0.1:8787". */
    String describe();

    @Override
    default void close() {
    }

    static ApiRequest request(String method, String pathAndQuery, byte[] body) {
        int question = pathAndQuery.indexOf('?');
        String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
        String query = question < 0 ? "" : pathAndQuery.substring(question + 1);
        return new ApiRequest(method, path, query, Map.of("content-type", "application/json"), body,
                Optional.empty());
    }

    /** Over HTTP. */
    final class Http implements Target {
        private final URI base;
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        Http(URI base) {
            this.base = base;
        }

        @Override
        public ApiResponse send(ApiRequest request) {
            String uri = base.toString().replaceAll("/+$", "") + request.path()
                    + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery());
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofMinutes(30))
                    .header("content-type", "application/json")
                    .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            try {
                HttpResponse<byte[]> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
                Map<String, String> headers = new LinkedHashMap<>();
                response.headers().map().forEach((name, values) -> headers.put(name, String.join(",", values)));
                return new ApiResponse(response.statusCode(), headers, response.body());
            } catch (IOException e) {
                throw new LocalUsageException("cannot reach " + describe() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalUsageException("interrupted");
            }
        }

        @Override
        public String describe() {
            return "the server at " + base;
        }

        boolean answers() {
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(
                        base.toString().replaceAll("/+$", "") + "/v1/health")).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return response.statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** In this process, through the same router the server uses. */
    final class InProcess implements Target {
        private final LocalRuntime runtime;
        private final String description;

        InProcess(LocalRuntime runtime, String description) {
            this.runtime = runtime;
            this.description = description;
        }

        @Override
        public ApiResponse send(ApiRequest request) {
            return runtime.router().handle(request);
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public void close() {
            runtime.close();
        }
    }
}
