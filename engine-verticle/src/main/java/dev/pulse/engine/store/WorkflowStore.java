package dev.pulse.engine.store;

import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** The {@code workflows} table. */
public final class WorkflowStore {

  private static final String COLUMNS = "id, name, description, definition, created_by, created_at, updated_at";
  private static final String ACTIVE = "('pending', 'running', 'waiting_for_input')";

  private final Pool pool;

  public WorkflowStore(Pool pool) {
    this.pool = pool;
  }

  /** Stores a new workflow and yields it as stored. */
  public Future<JsonObject> insert(String id, String name, String description, JsonObject definition,
      String createdBy) {
    return pool.preparedQuery("INSERT INTO workflows (id, name, description, definition, created_by)"
            + " VALUES (?, ?, ?, ?, ?)")
        .execute(Tuple.of(id, name, description, definition.encode(), createdBy))
        .compose(done -> get(id));
  }

  /** Every workflow, by name. */
  public Future<JsonArray> list() {
    return pool.query("SELECT " + COLUMNS + " FROM workflows ORDER BY name, created_at").execute()
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(row -> out.add(json(row)));
          return out;
        });
  }

  /** One workflow, or null. */
  public Future<JsonObject> get(String id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM workflows WHERE id = ?").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  /** Replaces name, description and definition; yields the stored workflow, or null when unknown. */
  public Future<JsonObject> update(String id, String name, String description, JsonObject definition) {
    return pool.preparedQuery("UPDATE workflows SET name = ?, description = ?, definition = ? WHERE id = ?")
        .execute(Tuple.of(name, description, definition.encode(), id))
        .compose(done -> done.rowCount() == 0 ? Future.succeededFuture(null) : get(id));
  }

  /**
   * Deletes a workflow unless an execution of it is still active. Yields {@code deleted},
   * {@code active} or {@code missing}. One statement, so an execution started meanwhile cannot
   * slip between a check and the delete.
   */
  public Future<String> delete(String id) {
    return pool.preparedQuery("DELETE FROM workflows WHERE id = ? AND NOT EXISTS"
            + " (SELECT 1 FROM executions WHERE workflow_id = ? AND status IN " + ACTIVE + ")")
        .execute(Tuple.of(id, id))
        .compose(done -> done.rowCount() > 0 ? Future.succeededFuture("deleted")
            : get(id).map(found -> found == null ? "missing" : "active"));
  }

  private static JsonObject json(Row row) {
    return new JsonObject().put("id", row.getString("id")).put("name", row.getString("name"))
        .put("description", row.getString("description")).put("definition", Database.jsonObject(row, "definition"))
        .put("created_by", row.getString("created_by")).put("created_at", Database.instant(row, "created_at"))
        .put("updated_at", Database.instant(row, "updated_at"));
  }
}
