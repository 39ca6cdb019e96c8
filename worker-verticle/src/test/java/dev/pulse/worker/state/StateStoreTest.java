package dev.pulse.worker.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outbox and inflight entries: private files, and a cut-short one is set aside, not fatal. */
class StateStoreTest {

  @TempDir
  Path dir;

  @Test
  void entriesArePrivateAndReadBackInOrder() throws IOException {
    StateStore store = new StateStore(dir);
    store.prepare();
    store.writeInflight("c-1", new JsonObject().put("command_id", "c-1"));
    store.writeOutbox("c-2", new JsonObject().put("result", new JsonObject().put("command_id", "c-2")));

    assertEquals(List.of("c-1"), store.listInflight().stream().map(json -> json.getString("command_id")).toList());
    assertEquals("c-2", store.listOutbox().get(0).getJsonObject("result").getString("command_id"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
        dir.resolve("outbox/c-2.json"))));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
        dir.resolve("inflight/c-1.json"))));

    store.writeOutbox("c-1", new JsonObject().put("result", new JsonObject().put("command_id", "c-1")));
    store.deleteInflight("c-1");
    assertTrue(store.listInflight().isEmpty());
    assertEquals(2, store.listOutbox().size());
  }

  @Test
  void anEntryCutShortIsSetAsideAndTheOthersStillRead() throws IOException {
    StateStore store = new StateStore(dir);
    store.prepare();
    store.writeOutbox("good", new JsonObject().put("result", new JsonObject().put("command_id", "good")));
    store.writeOutbox("cut", new JsonObject().put("result", new JsonObject().put("command_id", "cut")));
    store.writeInflight("empty", new JsonObject().put("command_id", "empty"));
    Path cut = dir.resolve("outbox/cut.json");
    Files.writeString(cut, Files.readString(cut).substring(0, 10));
    Files.write(dir.resolve("inflight/empty.json"), new byte[0]);

    assertEquals(1, store.listOutbox().size());
    assertTrue(Files.exists(dir.resolve("outbox/cut.json.bad")));
    assertTrue(store.listInflight().isEmpty());
    assertTrue(Files.exists(dir.resolve("inflight/empty.json.bad")));
  }
}
