package dev.pulse.registry.workers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every known worker in memory, by id and by (unique) name. Event-loop confined. */
public final class Fleet {

  /** What a list of step targets resolves to. */
  public record Resolution(List<Worker> workers, List<String> unknown) {
  }

  /** The target that means every worker taking work. */
  public static final String ALL = "all";

  private final Map<String, Worker> byId = new HashMap<>();
  private final Map<String, Worker> byName = new HashMap<>();

  public Worker byId(String id) {
    return id == null ? null : byId.get(id);
  }

  public Worker byName(String name) {
    return name == null ? null : byName.get(name);
  }

  /** A worker named by its id or, failing that, its name. */
  public Worker byIdOrName(String idOrName) {
    Worker worker = byId(idOrName);
    return worker != null ? worker : byName(idOrName);
  }

  /** Adds or replaces a worker (by id), moving its name index when it was renamed. */
  public void put(Worker worker) {
    Worker previous = byId.put(worker.id(), worker);
    if (previous != null && byName.get(previous.name()) == previous) {
      byName.remove(previous.name());
    }
    byName.put(worker.name(), worker);
  }

  /** Removes a worker; yields it, or null when unknown. */
  public Worker remove(String id) {
    Worker removed = byId.remove(id);
    if (removed != null && byName.get(removed.name()) == removed) {
      byName.remove(removed.name());
    }
    return removed;
  }

  public Collection<Worker> all() {
    return byId.values();
  }

  public int size() {
    return byId.size();
  }

  /** Every worker, sorted by name. */
  public List<Worker> sorted() {
    List<Worker> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparing(Worker::name));
    return out;
  }

  /**
   * Resolves step targets: {@code all} is every worker taking work (online or busy); any other
   * target is a worker name or a group, matching whatever the worker's status so that the caller
   * can fail an offline target with a reason. Each worker appears once, sorted by name.
   */
  public Resolution resolve(List<String> targets) {
    Map<String, Worker> found = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    for (String target : targets) {
      boolean matched = false;
      if (ALL.equals(target)) {
        matched = true;
        byId.values().stream().filter(w -> WorkerStatus.takesWork(w.status())).forEach(w -> found.put(w.id(), w));
      }
      Worker named = byName.get(target);
      if (named != null) {
        matched = true;
        found.put(named.id(), named);
      }
      for (Worker worker : byId.values()) {
        if (worker.groups().contains(target)) {
          matched = true;
          found.put(worker.id(), worker);
        }
      }
      if (!matched && !unknown.contains(target)) {
        unknown.add(target);
      }
    }
    List<Worker> workers = new ArrayList<>(found.values());
    workers.sort(Comparator.comparing(Worker::name));
    return new Resolution(workers, unknown);
  }
}
