package dev.pulse.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SockJS event-bus bridge over a real WebSocket, with the raw frames a browser client
 * sends: events flow out to signed-in users; nothing flows in; nothing else can be heard.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeSecurityTest {

  private static Vertx vertx;
  private static WebSocketClient client;
  private static int port;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    dev.pulse.storage.DbConfig db = TestDatabase.fresh();
    io.vertx.sqlclient.Pool pool = dev.pulse.storage.Database.pool(vertx, db);
    dev.pulse.storage.Migrations.apply(pool).await();
    pool.close().await();
    JsonObject config = new JsonObject().mergeIn(db.toConfig()).put("PORT", 0);
    ApiVerticle api = new ApiVerticle();
    vertx.deployVerticle(api, new DeploymentOptions().setConfig(config)).await();
    port = api.actualPort();
    client = vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static WebSocket connect(boolean signedIn, LinkedBlockingQueue<JsonObject> frames) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket");
    if (signedIn) {
      options.addHeader("Remote-User", "eve").addHeader("Remote-Groups", "employee");
    }
    WebSocket socket = client.connect(options).await();
    socket.handler(buffer -> frames.add(buffer.toJsonObject()));
    return socket;
  }

  private static void send(WebSocket socket, JsonObject frame) {
    socket.writeTextMessage(frame.encode()).await();
  }

  @Test
  void withoutSsoHeadersTheBridgeRefusesTheConnection() {
    Throwable failure = null;
    try {
      connect(false, new LinkedBlockingQueue<>());
    } catch (Throwable e) {
      failure = e;
    }
    assertTrue(failure instanceof UpgradeRejectedException, String.valueOf(failure));
    assertEquals(401, ((UpgradeRejectedException) failure).getStatus());
  }

  @Test
  void signedInUserReceivesPulseEvents() throws Exception {
    LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    WebSocket socket = connect(true, frames);
    send(socket, new JsonObject().put("type", "register").put("address", Addresses.EVENT_EXECUTION));
    JsonObject event = new JsonObject().put("type", "execution_status").put("execution_id", "e-1")
        .put("status", "running");
    JsonObject received = null;
    for (int i = 0; i < 50 && received == null; i++) {
      vertx.eventBus().publish(Addresses.EVENT_EXECUTION, event);  // until the registration has landed
      received = frames.poll(100, TimeUnit.MILLISECONDS);
    }
    assertTrue(received != null, "an event arrived");
    assertEquals("rec", received.getString("type"));
    assertEquals(event, received.getJsonObject("body"));
    socket.close().await();
  }

  @Test
  void browserCannotSendOrPublishOntoTheBus() throws Exception {
    AtomicInteger reached = new AtomicInteger();
    vertx.eventBus().consumer(Addresses.ENGINE_EXECUTION_CANCEL, message -> reached.incrementAndGet())
        .completion().await();
    vertx.eventBus().consumer(Addresses.EVENT_EXECUTION + ".forged", message -> reached.incrementAndGet())
        .completion().await();
    LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    WebSocket socket = connect(true, frames);
    send(socket, new JsonObject().put("type", "send").put("address", Addresses.ENGINE_EXECUTION_CANCEL)
        .put("body", new JsonObject().put("id", "e-1")).put("replyAddress", "r1"));
    assertEquals("access_denied", frames.poll(5, TimeUnit.SECONDS).getString("body"));
    send(socket, new JsonObject().put("type", "publish").put("address", Addresses.EVENT_EXECUTION + ".forged")
        .put("body", new JsonObject()));
    assertEquals("access_denied", frames.poll(5, TimeUnit.SECONDS).getString("body"));
    Thread.sleep(300);
    assertEquals(0, reached.get(), "no inbound message reached a consumer");
    socket.close().await();
  }

  @Test
  void browserCannotListenOnAWorkerOrEngineAddress() throws Exception {
    LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    WebSocket socket = connect(true, frames);
    send(socket, new JsonObject().put("type", "register").put("address", Addresses.workerExecute("w-1")));
    JsonObject refused = frames.poll(5, TimeUnit.SECONDS);
    assertEquals("err", refused.getString("type"));
    assertEquals("access_denied", refused.getString("body"));
    send(socket, new JsonObject().put("type", "register").put("address", Addresses.ENGINE_RESULTS));
    assertEquals("access_denied", frames.poll(5, TimeUnit.SECONDS).getString("body"));
    socket.close().await();
  }
}
