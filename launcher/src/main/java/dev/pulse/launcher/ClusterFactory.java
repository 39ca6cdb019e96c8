package dev.pulse.launcher;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import com.hazelcast.config.XmlConfigBuilder;
import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.ConfigReader;
import dev.pulse.contracts.Wire;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds a clustered Vert.x from config/cluster.xml (or CLUSTER_CONFIG, a file path) with the
 * node-specific values from settings: CLUSTER_NAME, CLUSTER_HOST (the interface Hazelcast binds
 * to), CLUSTER_PORT, CLUSTER_MEMBERS (the server nodes to join), EVENTBUS_HOST, EVENTBUS_PORT.
 */
public final class ClusterFactory {

  /**
   * Thread pools a worker node (a lite member: no partitions, one connection per server node)
   * keeps small, unless CLUSTER_CONFIG sets them: Hazelcast sizes them for data members (three
   * I/O threads each way, five event threads, ...), and each costs a worker host stack memory.
   */
  private static final Map<String, String> LITE_MEMBER_THREADS = Map.of(
      "hazelcast.io.thread.count", "1",
      "hazelcast.partition.operation.thread.count", "1",
      "hazelcast.operation.generic.thread.count", "1",
      "hazelcast.operation.response.thread.count", "1",
      "hazelcast.event.thread.count", "2");

  /** Numbers the Hazelcast instances of this JVM (tests run several): "p1", "p2", ... */
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** The addresses PULSE publishes its events on, whether or not a dashboard listens. */
  static final List<String> EVENT_ADDRESSES = List.of(Addresses.EVENT_WORKER_UPDATE,
      Addresses.EVENT_WORKER_METRICS, Addresses.EVENT_WORKFLOW, Addresses.EVENT_EXECUTION, Addresses.EVENT_OUTPUT,
      Addresses.EVENT_COMMAND);

  private ClusterFactory() {
  }

  /**
   * Joins (or forms) the cluster.
   *
   * @param settings the merged settings
   * @param liteMember true for workers: they hold no cluster data, so losing one costs nothing
   */
  public static Vertx join(ConfigReader settings, boolean liteMember) {
    Config hazelcast = hazelcastConfig(settings, liteMember);
    String host = settings.string("EVENTBUS_HOST", "127.0.0.1");
    EventBusOptions eventBus = new EventBusOptions().setHost(host).setClusterPublicHost(host)
        .setPort(settings.port("EVENTBUS_PORT", 0, true));
    if (settings.bool("EVENTBUS_TLS", false)) {
      // Mutual TLS between nodes: each presents a certificate from the cluster's CA and accepts
      // only peers that do. Hazelcast membership itself stays unauthenticated (see README).
      eventBus.setSsl(true).setClientAuth(ClientAuth.REQUIRED)
          .setTrustOptions(new PemTrustOptions().addCertPath(readable(settings, "EVENTBUS_CA_FILE")))
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(readable(settings, "EVENTBUS_CERT_FILE"))
              .setKeyPath(readable(settings, "EVENTBUS_KEY_FILE")));
    }
    VertxOptions options = new VertxOptions().setEventBusOptions(eventBus);
    int metricsPort = settings.port("METRICS_PORT", 0, true);
    // A worker node's meters are seen only through its own METRICS_PORT (its agents register none
    // of PULSE's: the registry counts commands and workers), so without one it keeps no meters
    // and saves their memory and their cost per bus message on a small host.
    VertxBuilder builder = liteMember && metricsPort == 0 ? Vertx.builder().with(options)
        : Observability.builder(options, settings.string("CLUSTER_HOST", "127.0.0.1"), metricsPort);
    Vertx vertx = builder
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered()
        .await();
    keepEventRoutes(vertx);
    return vertx;
  }

  /**
   * Gives each event address a node-local consumer that drops what it gets. A clustered Vert.x
   * keeps the routes of an address only while someone listens there: with no dashboard open,
   * each publish (every heartbeat's {@code worker_metrics}, every step's events, every output
   * chunk) asked Hazelcast for the address's subscribers again, a blocking look-up on a worker
   * thread and an operation on the member owning its partition, the server, even when a worker
   * node asked. A local consumer keeps the route known; Hazelcast's listener still updates it
   * when a dashboard's API node subscribes. It is never registered in the cluster, and the cost
   * is one local delivery per event.
   */
  private static void keepEventRoutes(Vertx vertx) {
    for (String address : EVENT_ADDRESSES) {
      vertx.eventBus().localConsumer(address, ignored -> { });
    }
  }

  private static String readable(ConfigReader settings, String key) {
    String path = settings.required(key, "a PEM file, needed because EVENTBUS_TLS=true");
    if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(path))) {
      throw new ConfigException(key + " names a file PULSE cannot read: '" + path + "'");
    }
    return path;
  }

  static Config hazelcastConfig(ConfigReader settings, boolean liteMember) {
    Config config = load(settings.string("CLUSTER_CONFIG", null));
    config.setClusterName(settings.string("CLUSTER_NAME", "pulse"));
    config.setLiteMember(liteMember);
    if (liteMember) {
      LITE_MEMBER_THREADS.forEach((key, value) -> {
        if (config.getProperty(key) == null) {
          config.setProperty(key, value);
        }
      });
    }
    // A short instance name keeps thread names ("hz.p1.cached.thread-3") telling in the 15
    // characters Linux shows of them (top -H, /proc), where Hazelcast's generated names
    // ("hz.happy_wilson.cached...") leave nothing after the name.
    if (config.getInstanceName() == null) {
      config.setInstanceName("p" + INSTANCES.incrementAndGet());
    }
    config.setProperty("hazelcast.logging.type", "slf4j");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port("CLUSTER_PORT", 5701, false)).setPortAutoIncrement(true);
    String host = settings.string("CLUSTER_HOST", "127.0.0.1");
    network.getInterfaces().setEnabled(true).clear().addInterface(host);
    TcpIpConfig tcp = network.getJoin().getTcpIpConfig().setEnabled(true).clear();
    for (String member : Wire.commaList(settings.string("CLUSTER_MEMBERS", host))) {
      if (member.matches(".*:\\d+-\\d+")) {
        // Hazelcast 5.3 crashes on port ranges; a bare address probes 5701-5703 anyway.
        throw new ConfigException("CLUSTER_MEMBERS takes host or host:port entries, not port ranges: '" + member + "'");
      }
      tcp.addMember(member);
    }
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    return config;
  }

  private static Config load(String file) {
    try (InputStream in = file == null
        ? ClusterFactory.class.getClassLoader().getResourceAsStream("pulse/cluster.xml")
        : new FileInputStream(file)) {
      if (in == null) {
        throw new IllegalStateException("pulse/cluster.xml is missing from the classpath");
      }
      return new XmlConfigBuilder(in).build();
    } catch (IOException e) {
      if (file != null) {
        throw new ConfigException("CLUSTER_CONFIG: cannot read '" + file + "': " + e.getMessage());
      }
      throw new UncheckedIOException(e);
    }
  }
}
