package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.multimap.LocalMultiMapStats;
import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.ConfigReader;
import dev.pulse.testkit.Await;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Events published where no dashboard listens do not ask the cluster who listens, each time, and
 * still reach a listener that subscribes later, on another node.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventRoutesTest {

  private static final int EVENTS = 50;

  private Vertx server;
  private Vertx worker;

  @BeforeEach
  void cluster() {
    String name = "pulse-routes-" + UUID.randomUUID();
    JsonObject settings = Settings.defaults().put("CLUSTER_NAME", name).put("CLUSTER_HOST", "127.0.0.1")
        .put("CLUSTER_MEMBERS", "127.0.0.1").put("EVENTBUS_HOST", "127.0.0.1").put("EVENTBUS_PORT", 0);
    server = ClusterFactory.join(new ConfigReader(settings), false);
    worker = ClusterFactory.join(new ConfigReader(settings), true);
  }

  @AfterEach
  void close() {
    if (worker != null) {
      worker.close().await();
    }
    if (server != null) {
      server.close().await();
    }
  }

  /** Look-ups of the event bus's subscriptions answered by the server, which owns every partition. */
  private long subscriptionLookups() {
    LocalMultiMapStats stats = ((HazelcastClusterManager) ((VertxInternal) server).clusterManager())
        .getHazelcastInstance().getMultiMap("__vertx.subs").getLocalMultiMapStats();
    return stats.getGetOperationCount();
  }

  @Test
  void eventsNobodyListensToCostNoClusterLookupEach() throws InterruptedException {
    long before = subscriptionLookups();
    // Spaced as heartbeats and output chunks are: publishes made while a look-up is pending share it.
    for (int i = 0; i < EVENTS; i++) {
      worker.eventBus().publish(Addresses.EVENT_OUTPUT, new JsonObject().put("n", i));
      server.eventBus().publish(Addresses.EVENT_WORKER_METRICS, new JsonObject().put("n", i));
      Thread.sleep(20);
    }
    // A publish that asks the cluster does so on a worker thread: give late look-ups time to count.
    Thread.sleep(1000);
    long lookups = subscriptionLookups() - before;
    assertTrue(lookups < 10, "published " + 2 * EVENTS + " events with no listener in the cluster: " + lookups
        + " subscription look-ups (50 to 100 when the routes are not kept)");
  }

  @Test
  void aListenerThatSubscribesLaterOnAnotherNodeGetsTheEvents() {
    // The worker node has published there already, so it knows the address's route: with no one
    // listening but its own local consumer.
    worker.eventBus().publish(Addresses.EVENT_OUTPUT, new JsonObject().put("n", -1));
    List<Integer> received = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> dashboard = server.eventBus().consumer(Addresses.EVENT_OUTPUT,
        message -> received.add(message.body().getInteger("n")));
    dashboard.completion().await();
    int[] next = {0};
    Await.until(Duration.ofSeconds(20), "an event published on the worker node reaches the new listener", () -> {
      worker.eventBus().publish(Addresses.EVENT_OUTPUT, new JsonObject().put("n", next[0]++));
      return received.isEmpty() ? null : Boolean.TRUE;
    });
  }
}
