package dev.pulse.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard's event-bus bridge on SockJS: the wire protocol of vertx-web's bridge (what
 * {@code @vertx/eventbus-bridge-client.js} speaks), outbound only, for addresses under one prefix.
 *
 * <p>Why not {@code SockJSHandler.bridge}: the stock bridge registers a bus consumer for every
 * socket and address, so each event is copied, matched against the permitted addresses and
 * encoded once per socket. With hundreds of dashboards open that encoding was most of the
 * server's CPU (bench S5). Here each address has one consumer per bridge; an event is encoded once
 * and the same text written to every socket that listens.
 *
 * <p>Nothing flows in: {@code send} and {@code publish} are refused with {@code access_denied}, as
 * is listening on an address outside the prefix. A socket that sends no {@code ping} within the
 * ping timeout is closed (the client pings every 5 s by default), and so is one whose writes wait
 * for the network longer than the lag limit: a dashboard on a link too slow for the events would
 * otherwise pile them up in the server's memory. The dashboard reconnects by itself and reloads
 * what it shows.
 *
 * <p>One bridge per API verticle instance; it is used only on that instance's event loop (its
 * sockets, its consumers and its timer all run there), so it needs no locks.
 */
final class EventBridge implements Handler<SockJSSocket> {

  /** The stock bridge's ping timeout, which the client's default 5 s ping interval is made for. */
  static final long PING_TIMEOUT_MS = 10_000;

  /**
   * Events that arrive within this long of the last write wait for the next one, and then go out
   * together: on SockJS's framed transports the messages queued for a socket leave in one frame.
   * An event after a quiet spell goes out at once.
   */
  static final long BATCH_MS = 20;

  /**
   * How long a write to a socket may wait for the network before the socket is closed. Seen from
   * the writes' own completions: a socket's {@code writeQueueFull} does not see a backed-up
   * WebSocket under SockJS's framing, which hands each frame on at once. The check runs with the
   * ping check, so a socket is closed after this long and at most the check's period more.
   */
  static final long LAG_LIMIT_MS = 15_000;

  /** The stock bridge's limit on an address's length. */
  static final int MAX_ADDRESS_LENGTH = 200;

  private final Vertx vertx;
  private final String prefix;
  private final long pingTimeoutMs;
  private final long lagLimitMs;
  private final Map<String, Topic> topics = new HashMap<>();
  private final Set<Listener> listeners = new HashSet<>();
  private final List<Outgoing> pending = new ArrayList<>();
  private long pingTimer = -1;
  private long flushTimer = -1;
  private long lastFlush;

  EventBridge(Vertx vertx, String prefix, long pingTimeoutMs, long lagLimitMs) {
    this.vertx = vertx;
    this.prefix = prefix;
    this.pingTimeoutMs = pingTimeoutMs;
    this.lagLimitMs = lagLimitMs;
  }

  @Override
  public void handle(SockJSSocket socket) {
    Listener listener = new Listener(socket, System.currentTimeMillis());
    listeners.add(listener);
    socket.handler(frame -> receive(listener, frame));
    socket.endHandler(ended -> forget(listener));
    if (pingTimer < 0) {
      pingTimer = vertx.setPeriodic(Math.min(pingTimeoutMs, lagLimitMs) / 2, id -> closeStale());
    }
  }

  /** How many addresses have a consumer now (for tests: none once the last socket has gone). */
  int consumers() {
    return topics.size();
  }

  /** How many sockets are open (for tests). */
  int sockets() {
    return listeners.size();
  }

  /** Unregisters every consumer and stops the ping check; the sockets close with the server. */
  void close() {
    topics.values().forEach(topic -> topic.consumer.unregister());
    topics.clear();
    listeners.clear();
    pending.clear();
    stopPingCheck();
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
  }

  private void receive(Listener listener, Buffer frame) {
    JsonObject message;
    try {
      message = frame.toJsonObject();
    } catch (RuntimeException notAnObject) {
      refuse(listener.socket, "invalid_json");
      return;
    }
    String type = message.getValue("type") instanceof String t ? t : null;
    if (type == null) {
      refuse(listener.socket, "missing_type");
      return;
    }
    if (type.equals("ping")) {
      listener.lastPing = System.currentTimeMillis();
      return;
    }
    String address = message.getValue("address") instanceof String a ? a : null;
    if (address == null) {
      refuse(listener.socket, "missing_address");
      return;
    }
    switch (type) {
      case "register" -> register(listener, address);
      case "unregister" -> unregister(listener, address);
      // The browser changes nothing over the bridge: every change goes through REST.
      case "send", "publish" -> refuse(listener.socket, "access_denied");
      default -> refuse(listener.socket, "invalid_type");
    }
  }

  private void register(Listener listener, String address) {
    if (address.length() > MAX_ADDRESS_LENGTH) {
      refuse(listener.socket, "max_address_length_reached");
    } else if (!permitted(address)) {
      refuse(listener.socket, "access_denied");
    } else if (!listener.addresses.add(address)) {
      refuse(listener.socket, "address_already_registered");
    } else {
      topics.computeIfAbsent(address, this::open).add(listener);
    }
  }

  private void unregister(Listener listener, String address) {
    if (!permitted(address)) {
      refuse(listener.socket, "access_denied");
    } else if (listener.addresses.remove(address)) {
      leave(address, listener);
    }
  }

  private boolean permitted(String address) {
    return address.length() > prefix.length() && address.startsWith(prefix);
  }

  private Topic open(String address) {
    Topic topic = new Topic();
    topic.consumer = vertx.eventBus().consumer(address, message -> queue(topic, address, message));
    return topic;
  }

  private void queue(Topic topic, String address, Message<Object> message) {
    Listener[] targets = topic.snapshot;
    if (targets.length == 0) {
      return;
    }
    pending.add(new Outgoing(targets, envelope(address, message).encode()));
    if (flushTimer < 0) {
      long since = System.currentTimeMillis() - lastFlush;
      if (since >= BATCH_MS) {
        flush();
      } else {
        flushTimer = vertx.setTimer(BATCH_MS - since, id -> {
          flushTimer = -1;
          flush();
        });
      }
    }
  }

  /** Writes what is pending in the order it arrived, every socket's share in one go. */
  private void flush() {
    lastFlush = System.currentTimeMillis();
    Outgoing[] batch = pending.toArray(new Outgoing[0]);
    pending.clear();
    for (Outgoing outgoing : batch) {
      for (Listener listener : outgoing.targets) {
        listener.lastWrite = listener.socket.write(outgoing.text);
      }
    }
  }

  private void leave(String address, Listener listener) {
    Topic topic = topics.get(address);
    if (topic != null && topic.remove(listener)) {
      topic.consumer.unregister();
      topics.remove(address);
    }
  }

  private void forget(Listener listener) {
    if (listeners.remove(listener)) {
      listener.addresses.forEach(address -> leave(address, listener));
      listener.addresses.clear();
      if (listeners.isEmpty()) {
        stopPingCheck();
      }
    }
  }

  /**
   * Closes the sockets whose client stopped pinging (a closed browser tab behind a proxy) and those
   * whose writes have been backed up for longer than the lag limit.
   */
  private void closeStale() {
    long now = System.currentTimeMillis();
    for (Listener listener : listeners.toArray(new Listener[0])) {
      if (now - listener.lastPing >= pingTimeoutMs || behind(listener, now)) {
        forget(listener);
        listener.socket.close();
      }
    }
  }

  /**
   * Whether a write made at least the lag limit ago is still waiting for the network. Each check
   * watches the socket's latest write until it completes; a write completes once it is handed to
   * the network, and a socket's writes complete in order.
   */
  private boolean behind(Listener listener, long now) {
    if (listener.watched == null || listener.watched.isComplete()) {
      listener.watched = listener.lastWrite;
      listener.watchedSince = now;
      return false;
    }
    return now - listener.watchedSince >= lagLimitMs;
  }

  private void stopPingCheck() {
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
      pingTimer = -1;
    }
  }

  private static void refuse(SockJSSocket socket, String reason) {
    socket.write(new JsonObject().put("type", "err").put("body", reason).encode());
  }

  /** One socket's registrations and when it last pinged. */
  private static final class Listener {
    final SockJSSocket socket;
    final Set<String> addresses = new HashSet<>();
    long lastPing;
    /** The socket's latest write. */
    Future<Void> lastWrite;
    /** The write the lag check waits for, and since when. */
    Future<Void> watched;
    long watchedSince;

    Listener(SockJSSocket socket, long lastPing) {
      this.socket = socket;
      this.lastPing = lastPing;
    }
  }

  /** One address: its consumer and the sockets listening to it. */
  private static final class Topic {
    final Set<Listener> listeners = new LinkedHashSet<>();
    MessageConsumer<Object> consumer;
    // Rebuilt only when a socket comes or goes, so that a delivery loops over a plain array and a
    // socket that closes during a delivery cannot disturb the loop.
    Listener[] snapshot = new Listener[0];

    void add(Listener listener) {
      if (listeners.add(listener)) {
        snapshot = listeners.toArray(new Listener[0]);
      }
    }

    /** Returns whether no socket listens any more. */
    boolean remove(Listener listener) {
      if (listeners.remove(listener)) {
        snapshot = listeners.toArray(new Listener[0]);
      }
      return listeners.isEmpty();
    }
  }

  /** An encoded event and the sockets listening to its address when it arrived. */
  private record Outgoing(Listener[] targets, String text) {
  }

  /** The stock bridge's {@code rec} frame. Events are published, so there is no reply address. */
  static JsonObject envelope(String address, Message<Object> message) {
    JsonObject envelope = new JsonObject().put("type", "rec").put("address", address).put("body", message.body());
    MultiMap headers = message.headers();
    if (headers != null && !headers.isEmpty()) {
      JsonObject copy = new JsonObject();
      for (String name : headers.names()) {
        var values = headers.getAll(name);
        copy.put(name, values.size() == 1 ? values.get(0) : new JsonArray(values));
      }
      envelope.put("headers", copy);
    }
    return envelope;
  }
}
