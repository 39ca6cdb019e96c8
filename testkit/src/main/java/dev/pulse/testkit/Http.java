package dev.pulse.testkit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A small blocking HTTP client for tests that drive PULSE through its public API, the way a
 * script or the dashboard would. Call it from the test thread, never from an event loop.
 */
public final class Http implements AutoCloseable {

  /** A response: status, headers of interest and the body text. */
  public record Response(int status, String body, String contentType, io.vertx.core.MultiMap headers) {

    /** The body as JSON. */
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final Vertx vertx;
  private final int port;

  /** A client for http://127.0.0.1:port. */
  public Http(int port) {
    this.vertx = Vertx.vertx();
    this.port = port;
  }

  /** Sends a request with optional JSON body and headers. */
  public Response send(HttpMethod method, String path, String body, Map<String, String> headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port)
        .setURI(path).setIdleTimeout(15_000).setConnectTimeout(5_000);
    headers.forEach(options::putHeader);
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    // A client, and so a connection, per request: a test's request never waits in a pool behind
    // connections an earlier request (a refused upload, a closed socket) left behind.
    HttpClient client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
        .compose((HttpClientResponse response) -> response.body().map(buffer -> new Response(response.statusCode(),
            buffer.toString(), response.getHeader("Content-Type"), response.headers())))
        .timeout(30, java.util.concurrent.TimeUnit.SECONDS)
        .eventually(client::close)
        .await();
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

  @Override
  public void close() {
    vertx.close().await();
  }
}
