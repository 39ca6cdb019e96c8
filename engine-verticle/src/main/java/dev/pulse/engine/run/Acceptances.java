package dev.pulse.engine.run;

import dev.pulse.engine.store.CommandStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Notes that workers took their commands, many in one write a short while after the first instead
 * of one write each: a fan-out to 200 workers costs one commit, not 200. The note only spares a
 * worker a second copy of a command after a takeover, and a worker runs a command id once (a
 * repeat is answered as a duplicate), so the delay costs nothing but, at worst, that repeat.
 */
final class Acceptances {

  /** How long the first note waits for others to join it. */
  static final long DELAY_MS = 50;
  /** Most notes in one write. */
  static final int MAX = 500;

  private final Vertx vertx;
  private final CommandStore commands;
  private List<String> ids = new ArrayList<>();
  private Promise<Void> written;
  private long timer = -1;

  Acceptances(Vertx vertx, CommandStore commands) {
    this.vertx = vertx;
    this.commands = commands;
  }

  /** Notes that {@code commandId} was accepted; completes when the write holding it is done. */
  Future<Void> note(String commandId) {
    if (written == null) {
      written = Promise.promise();
      timer = vertx.setTimer(DELAY_MS, fired -> write());
    }
    Future<Void> done = written.future();
    ids.add(commandId);
    if (ids.size() >= MAX) {
      vertx.cancelTimer(timer);
      write();
    }
    return done;
  }

  private void write() {
    List<String> batch = ids;
    Promise<Void> done = written;
    ids = new ArrayList<>();
    written = null;
    timer = -1;
    commands.markAccepted(batch).onComplete(done);
  }
}
