package dev.pulse.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;
import java.util.Map;

/**
 * What the reverse proxy does for a signed-in browser, and no more: every request and WebSocket
 * upgrade goes on to PULSE from 127.0.0.1 with the {@code Remote-*} headers of an admin named
 * {@code bench}. Lets a real browser use a server that trusts SSO headers only, without asking the
 * browser (over DevTools) to add them, which would make it report every WebSocket frame.
 */
final class SsoProxy {

  private static final Map<String, String> IDENTITY = Map.of("Remote-User", "bench", "Remote-Groups", "admin",
      "Remote-Name", "Benchmark");
  private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "transfer-encoding", "upgrade",
      "content-length");
  private static final int MAX_MESSAGE = 16 * 1024 * 1024;

  private final HttpServer server;
  private final HttpClient http;
  private final WebSocketClient webSockets;
  private final int target;

  private SsoProxy(Vertx vertx, int target) {
    this.target = target;
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setMaxWebSocketMessageSize(MAX_MESSAGE).setMaxWebSocketFrameSize(MAX_MESSAGE));
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(target)
        .setKeepAlive(true));
    this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(MAX_MESSAGE)
        .setMaxFrameSize(MAX_MESSAGE));
  }

  /** A proxy on a free port of 127.0.0.1 in front of PULSE's {@code targetPort}. */
  static Future<SsoProxy> start(Vertx vertx, int targetPort) {
    SsoProxy proxy = new SsoProxy(vertx, targetPort);
    return proxy.server.requestHandler(proxy::handle).listen().map(proxy);
  }

  int port() {
    return server.actualPort();
  }

  Future<Void> close() {
    return Future.join(server.close(), http.close(), webSockets.close()).mapEmpty();
  }

  private void handle(HttpServerRequest request) {
    request.pause();
    if ("websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
      upgrade(request);
      return;
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    copy(request.headers(), headers);
    IDENTITY.forEach(headers::set);
    RequestOptions options = new RequestOptions().setMethod(request.method()).setURI(request.uri())
        .setHeaders(headers);
    Future<Buffer> body = request.body();
    request.resume();
    body.compose(content -> http.request(options).compose(upstream -> upstream.send(content)))
        .compose(response -> response.body().map(content -> {
          copy(response.headers(), request.response().headers());
          request.response().setStatusCode(response.statusCode()).end(content);
          return content;
        }))
        .onFailure(failure -> request.response().setStatusCode(502).end(String.valueOf(failure.getMessage())));
  }

  private void upgrade(HttpServerRequest request) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(target)
        .setURI(request.uri());
    IDENTITY.forEach(options::addHeader);
    webSockets.connect(options)
        .compose(upstream -> request.toWebSocket().map(browser -> {
          browser.textMessageHandler(upstream::writeTextMessage);
          upstream.textMessageHandler(browser::writeTextMessage);
          browser.closeHandler(closed -> upstream.close());
          upstream.closeHandler(closed -> browser.close());
          return browser;
        }))
        .onFailure(failure -> request.response().setStatusCode(502).end(String.valueOf(failure.getMessage())));
  }

  private static void copy(MultiMap from, MultiMap to) {
    from.forEach((name, value) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase())) {
        to.add(name, value);
      }
    });
  }
}
