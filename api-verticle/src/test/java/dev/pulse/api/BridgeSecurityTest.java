package dev.pulse.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
  private static ApiVerticle api;
  private static int port;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    dev.pulse.storage.DbConfig db = TestDatabase.fresh();
    io.vertx.sqlclient.Pool pool = dev.pulse.storage.Database.pool(vertx, db);
    dev.pulse.storage.Migrations.apply(pool).await();
    pool.close().await();
    JsonObject config = new JsonObject().mergeIn(db.toConfig()).put("PORT", 0);
    api = new ApiVerticle();
    vertx.deployVerticle(api, new DeploymentOptions().setConfig(config)).await();
    port = api.actualPort();
    client = vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static WebSocket connect(boolean signedIn, LinkedBlockingQueue<JsonObject> frames) {
    return connect(port, signedIn, frames);
  }

  private static WebSocket connect(int port, boolean signedIn, LinkedBlockingQueue<JsonObject> frames) {
    ClientWebSocket socket = client.webSocket().handler(buffer -> frames.add(buffer.toJsonObject()));
    socket.connect(options(port, "/eventbus/websocket", signedIn)).await();
    return socket;
  }

  /** Where to connect, with the SSO proxy's headers for eve when {@code signedIn}. */
  private static WebSocketConnectOptions options(int port, String uri, boolean signedIn) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
    if (signedIn) {
      options.addHeader("Remote-User", "eve").addHeader("Remote-Groups", "employee");
    }
    return options;
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
  /** Frames are handled in order: once the answer to a bad frame is back, the ones before it are done. */
  private static void settle(WebSocket socket, LinkedBlockingQueue<JsonObject> frames) throws Exception {
    send(socket, new JsonObject().put("type", "settle").put("address", Addresses.EVENT_EXECUTION));
    JsonObject answer = frames.poll(5, TimeUnit.SECONDS);
    assertTrue(answer != null, "the bridge answered");
    assertEquals("invalid_type", answer.getString("body"));
  }

  private static JsonObject register(String address) {
    return new JsonObject().put("type", "register").put("address", address);
  }

  @Test
  void everyListenerReceivesEveryEventInOrder() throws Exception {
    LinkedBlockingQueue<JsonObject> first = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<JsonObject> second = new LinkedBlockingQueue<>();
    WebSocket one = connect(true, first);
    WebSocket two = connect(true, second);
    for (WebSocket socket : new WebSocket[] {one, two}) {
      send(socket, register(Addresses.EVENT_WORKFLOW));
      send(socket, register(Addresses.EVENT_OUTPUT));
    }
    settle(one, first);
    settle(two, second);
    for (int i = 0; i < 20; i++) {
      vertx.eventBus().publish(i % 2 == 0 ? Addresses.EVENT_WORKFLOW : Addresses.EVENT_OUTPUT,
          new JsonObject().put("n", i));
    }
    for (LinkedBlockingQueue<JsonObject> frames : List.of(first, second)) {
      for (int i = 0; i < 20; i++) {
        JsonObject received = frames.poll(5, TimeUnit.SECONDS);
        assertTrue(received != null, "event " + i + " arrived");
        assertEquals("rec", received.getString("type"));
        assertEquals(i % 2 == 0 ? Addresses.EVENT_WORKFLOW : Addresses.EVENT_OUTPUT, received.getString("address"));
        assertEquals(i, received.getJsonObject("body").getInteger("n"));
      }
    }
    one.close().await();
    two.close().await();
  }

  @Test
  void anUnregisteredOrClosedSocketHearsNothingAndTheLastOneLetsGoOfTheConsumer() throws Exception {
    LinkedBlockingQueue<JsonObject> leaving = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<JsonObject> staying = new LinkedBlockingQueue<>();
    WebSocket left = connect(true, leaving);
    WebSocket stays = connect(true, staying);
    send(left, register(Addresses.EVENT_COMMAND));
    send(stays, register(Addresses.EVENT_COMMAND));
    settle(stays, staying);
    send(left, new JsonObject().put("type", "unregister").put("address", Addresses.EVENT_COMMAND));
    settle(left, leaving);
    vertx.eventBus().publish(Addresses.EVENT_COMMAND, new JsonObject().put("n", 1));
    assertEquals(1, staying.poll(5, TimeUnit.SECONDS).getJsonObject("body").getInteger("n"));
    assertEquals(null, leaving.poll(300, TimeUnit.MILLISECONDS), "nothing after unregistering");

    assertEquals(1, api.events().consumers(), "one consumer for both sockets");
    stays.close().await();
    left.close().await();
    for (int i = 0; i < 100 && api.events().consumers() > 0; i++) {
      Thread.sleep(50);
    }
    assertEquals(0, api.events().consumers(), "no consumer left once every socket has gone");
  }

  @Test
  void badFramesGetTheReasonBack() throws Exception {
    LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    WebSocket socket = connect(true, frames);
    socket.writeTextMessage("{not json").await();
    assertEquals("invalid_json", frames.poll(5, TimeUnit.SECONDS).getString("body"));
    socket.writeTextMessage("[\"register\"]").await();
    assertEquals("invalid_json", frames.poll(5, TimeUnit.SECONDS).getString("body"));
    send(socket, new JsonObject().put("address", Addresses.EVENT_EXECUTION));
    assertEquals("missing_type", frames.poll(5, TimeUnit.SECONDS).getString("body"));
    send(socket, new JsonObject().put("type", "register"));
    assertEquals("missing_address", frames.poll(5, TimeUnit.SECONDS).getString("body"));
    send(socket, register(Addresses.EVENTS_PREFIX + "x".repeat(EventBridge.MAX_ADDRESS_LENGTH)));
    assertEquals("max_address_length_reached", frames.poll(5, TimeUnit.SECONDS).getString("body"));
    send(socket, register(Addresses.EVENTS_PREFIX));
    assertEquals("access_denied", frames.poll(5, TimeUnit.SECONDS).getString("body"));
    send(socket, register(Addresses.EVENT_WORKER_UPDATE));
    send(socket, register(Addresses.EVENT_WORKER_UPDATE));
    assertEquals("address_already_registered", frames.poll(5, TimeUnit.SECONDS).getString("body"));
    socket.close().await();
  }

  @Test
  void aSocketThatStopsPingingIsClosed() throws Exception {
    EventBridge bridge = new EventBridge(vertx, Addresses.EVENTS_PREFIX, 400, EventBridge.LAG_LIMIT_MS);
    Router router = Router.router(vertx);
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).socketHandler(bridge));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    try {
      LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
      WebSocket pinging = connect(server.actualPort(), false, frames);
      WebSocket silent = connect(server.actualPort(), false, frames);
      CountDownLatch silentClosed = new CountDownLatch(1);
      AtomicInteger pingingClosed = new AtomicInteger();
      silent.closeHandler(closed -> silentClosed.countDown());
      pinging.closeHandler(closed -> pingingClosed.incrementAndGet());
      send(silent, register(Addresses.EVENT_EXECUTION));
      send(pinging, register(Addresses.EVENT_EXECUTION));
      long until = System.currentTimeMillis() + 1500;
      while (System.currentTimeMillis() < until) {
        send(pinging, new JsonObject().put("type", "ping"));
        Thread.sleep(100);
      }
      assertTrue(silentClosed.await(5, TimeUnit.SECONDS), "the silent socket was closed");
      assertEquals(0, pingingClosed.get(), "the pinging socket stays open");
      settle(pinging, frames);
      vertx.eventBus().publish(Addresses.EVENT_EXECUTION, new JsonObject().put("n", 7));
      assertEquals(7, frames.poll(5, TimeUnit.SECONDS).getJsonObject("body").getInteger("n"));
      assertEquals(null, frames.poll(300, TimeUnit.MILLISECONDS), "only the open socket got it");
      pinging.close().await();
    } finally {
      server.close().await();
    }
  }

  @Test
  void aDashboardThatStopsReadingIsClosedAndTheOthersKeepTheirEvents() throws Exception {
    EventBridge bridge = new EventBridge(vertx, Addresses.EVENTS_PREFIX, EventBridge.PING_TIMEOUT_MS, 600);
    Router router = Router.router(vertx);
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).socketHandler(bridge));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    try {
      // Both speak SockJS over a WebSocket, as the dashboard does.
      LinkedBlockingQueue<String> slowFrames = new LinkedBlockingQueue<>();
      LinkedBlockingQueue<String> fastFrames = new LinkedBlockingQueue<>();
      ClientWebSocket slow = sockJs(server.actualPort(), false, "slow", slowFrames);
      ClientWebSocket fast = sockJs(server.actualPort(), false, "fast", fastFrames);
      String register = sockJsFrame(register(Addresses.EVENT_OUTPUT));
      String ping = sockJsFrame(new JsonObject().put("type", "ping"));
      String settle = sockJsFrame(new JsonObject().put("type", "settle").put("address", Addresses.EVENT_OUTPUT));
      for (ClientWebSocket socket : new ClientWebSocket[] {slow, fast}) {
        socket.writeTextMessage(register).await();
        // Answered after the registration, which the bridge handles first.
        socket.writeTextMessage(settle).await();
      }
      for (LinkedBlockingQueue<String> frames : List.of(slowFrames, fastFrames)) {
        String answer = frames.poll(5, TimeUnit.SECONDS);
        assertTrue(answer != null && answer.contains("invalid_type"), "registered: " + answer);
      }
      // It still pings but reads nothing more: what is written to it backs up.
      slow.pause();
      String chunk = "x".repeat(128 * 1024);
      long until = System.currentTimeMillis() + 30_000;
      int published = 0;
      while (bridge.sockets() == 2 && System.currentTimeMillis() < until) {
        vertx.eventBus().publish(Addresses.EVENT_OUTPUT, new JsonObject().put("n", published++).put("chunk", chunk));
        slow.writeTextMessage(ping).await();
        fast.writeTextMessage(ping).await();
        fastFrames.clear();
        Thread.sleep(10);
      }
      assertEquals(1, bridge.sockets(), "the dashboard that stopped reading is closed (" + published
          + " events of " + chunk.length() + " characters published)");
      vertx.eventBus().publish(Addresses.EVENT_OUTPUT, new JsonObject().put("n", -2));
      boolean seen = false;
      while (!seen) {
        String frame = fastFrames.poll(5, TimeUnit.SECONDS);
        assertTrue(frame != null, "the dashboard that reads still gets the events");
        seen = frame.contains("\\\"n\\\":-2");
      }
      fast.close().await();
    } finally {
      server.close().await();
    }
  }

  /**
   * A SockJS session over a WebSocket, opened ("o" received). The handler is set before connecting:
   * the server sends "o" at once, before connect's future reaches this thread.
   */
  private static ClientWebSocket sockJs(int port, boolean signedIn, String session,
      LinkedBlockingQueue<String> frames) throws Exception {
    ClientWebSocket socket = client.webSocket().textMessageHandler(frames::add);
    socket.connect(options(port, "/eventbus/123/" + session + "/websocket", signedIn)).await();
    assertEquals("o", frames.poll(5, TimeUnit.SECONDS));
    return socket;
  }

  /** One message as a SockJS client frame: a JSON array of strings. */
  private static String sockJsFrame(JsonObject message) {
    return new JsonArray().add(message.encode()).encode();
  }

  @Test
  void onSockJsFramesABurstOfEventsSharesFrames() throws Exception {
    // The dashboard's client speaks SockJS: "o" opens, "a[...]" carries one or more messages.
    LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    ClientWebSocket socket = sockJs(port, true, "burst-test", frames);
    socket.writeTextMessage(new JsonArray().add(register(Addresses.EVENT_WORKFLOW).encode())
        .add(new JsonObject().put("type", "settle").put("address", Addresses.EVENT_WORKFLOW).encode()).encode()).await();
    JsonArray settled = new JsonArray(frames.poll(5, TimeUnit.SECONDS).substring(1));
    assertEquals("invalid_type", new JsonObject(settled.getString(0)).getString("body"));

    int events = 50;
    for (int i = 0; i < events; i++) {
      vertx.eventBus().publish(Addresses.EVENT_WORKFLOW, new JsonObject().put("n", i));
    }
    int received = 0;
    int largest = 0;
    while (received < events) {
      String frame = frames.poll(5, TimeUnit.SECONDS);
      assertTrue(frame != null && frame.startsWith("a"), "a message frame: " + frame);
      JsonArray messages = new JsonArray(frame.substring(1));
      for (int j = 0; j < messages.size(); j++) {
        assertEquals(received++, new JsonObject(messages.getString(j)).getJsonObject("body").getInteger("n"));
      }
      largest = Math.max(largest, messages.size());
    }
    assertTrue(largest > 1, "some frame carried several events");
    socket.close().await();
  }
}
