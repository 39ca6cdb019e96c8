package dev.pulse.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A small blocking HTTP client for tests that drive PULSE through its public API, the way a
 * script or the dashboard would.
 *
 * <p>Built on the JDK's client rather than Vert.x's: a test client that shares nothing with the
 * server's stack cannot hide a server fault behind a client one, and a blocking call is what a
 * test thread wants. (A Vert.x client created per request, closed after each, was measured here
 * to leave roughly one request in a few thousand unanswered.)
 */
public final class Http implements AutoCloseable {

  /** A response: status, headers of interest and the body text. */
  public record Response(int status, String body, String contentType, MultiMap headers) {

    /** The body as JSON. */
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;

  /** A client for http://127.0.0.1:port. */
  public Http(int port) {
    this.port = port;
  }

  /** Sends a request with optional JSON body and headers. */
  public Response send(HttpMethod method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(TIMEOUT)
        .method(method.name(), body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      MultiMap responseHeaders = MultiMap.caseInsensitiveMultiMap();
      response.headers().map().forEach(responseHeaders::add);
      return new Response(response.statusCode(), response.body(),
          response.headers().firstValue("Content-Type").orElse(null), responseHeaders);
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during " + method + " " + path, e);
    }
  }

  /** GET with headers. */
  public Response get(String path, Map<String, String> headers) {
    return send(HttpMethod.GET, path, null, headers);
  }

  /** GET. */
  public Response get(String path) {
    return get(path, Map.of());
  }

  /** POST a JSON body. */
  public Response post(String path, String body, Map<String, String> headers) {
    return send(HttpMethod.POST, path, body, headers);
  }

  /** POST a JSON body. */
  public Response post(String path, JsonObject body) {
    return post(path, body.encode(), Map.of());
  }

  /** DELETE. */
  public Response delete(String path, Map<String, String> headers) {
    return send(HttpMethod.DELETE, path, null, headers);
  }

  /** Nothing to release: the JDK client's connections close with it when it is collected. */
  @Override
  public void close() {
  }
}
