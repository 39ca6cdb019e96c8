package dev.pulse.worker;

import static dev.pulse.worker.WorkerHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.OutputChunk;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandExecutionTest {

  private WorkerHarness worker;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path state, @TempDir Path work) {
    worker = new WorkerHarness(vertx, state, work).withRegistry().withReceiver().deploy().awaitAccepted();
  }

  @AfterEach
  void stop() {
    worker.close();
  }

  @Test
  void resultCarriesStdoutStderrAndExitCode() {
    JsonObject reply = await(worker.dispatch("c-1", "echo hello; echo oops >&2; exit 0"));
    assertEquals(true, reply.getBoolean("accepted"));
    assertEquals(false, reply.getBoolean("queued"));
    assertEquals(worker.workerId(), reply.getString("worker_id"));

    JsonObject result = worker.result("c-1");
    assertEquals("command_result", result.getString("type"));
    assertEquals("exec-1", result.getString("execution_id"));
    assertEquals(worker.workerId(), result.getString("worker_id"));
    assertEquals("hello\n", result.getString("stdout"));
    assertEquals("oops\n", result.getString("stderr"));
    assertEquals(0, result.getInteger("exit_code"));
    assertTrue(result.getBoolean("success"));
    assertFalse(result.getBoolean("timed_out"));
    assertFalse(result.getBoolean("truncated"));
    assertNull(result.getString("error"));
    assertTrue(result.getLong("duration") >= 0);
    assertTrue(result.getLong("timestamp") > 0);
  }

  @Test
  void nonZeroExitIsAnUnsuccessfulResult() {
    await(worker.dispatch("c-2", "echo failing >&2; exit 3"));

    JsonObject result = worker.result("c-2");
    assertEquals(3, result.getInteger("exit_code"));
    assertFalse(result.getBoolean("success"));
    assertEquals("failing\n", result.getString("stderr"));
    assertNull(result.getString("error"));
  }

  @Test
  void dispatchChoosesWorkingDirectoryAndExtraEnvironment() throws Exception {
    Path dir = worker.workDir.resolve("sub");
    java.nio.file.Files.createDirectories(dir);
    await(worker.dispatch(worker.workerId(), new CommandDispatch("c-3", null, -1, worker.workerId(),
        "pwd; echo \"$GREETING\"", 5000, dir.toString(), new JsonObject().put("GREETING", "hi there"),
        Addresses.ENGINE_RESULTS)));

    JsonObject result = worker.result("c-3");
    assertEquals(dir.toRealPath() + "\nhi there\n", result.getString("stdout"));
    assertEquals(-1, result.getInteger("step_index"));
  }

  @Test
  void missingWorkingDirectoryIsAResultThatSaysSo() {
    await(worker.dispatch(worker.workerId(), new CommandDispatch("c-4", null, -1, worker.workerId(), "true", 5000,
        "/no/such/dir", null, Addresses.ENGINE_RESULTS)));

    JsonObject result = worker.result("c-4");
    assertFalse(result.getBoolean("success"));
    assertEquals(-1, result.getInteger("exit_code"));
    assertTrue(result.getString("error").contains("/no/such/dir"), result.getString("error"));
  }

  @Test
  void hugeOutputIsCappedTruncatedAndStillDrained() {
    await(worker.dispatch("c-5", "head -c 52428800 /dev/zero | tr '\\0' 'a'; echo done >&2"));

    JsonObject result = worker.result("c-5");
    assertTrue(result.getBoolean("success"), result.getString("stderr"));
    assertEquals(1024 * 1024, result.getString("stdout").length());
    assertTrue(result.getBoolean("truncated"));
    assertEquals("done\n", result.getString("stderr"));
    assertEquals(true, result.getBoolean("live_output_capped"));
    int published = worker.streamed("c-5", "stdout").length() + worker.streamed("c-5", "stderr").length();
    assertTrue(published <= 4 * 1024 * 1024, "live chunks stop at 4x the cap, got " + published);
  }

  @Test
  void floodedLiveOutputGoesOutWholeInBoundedChunks() {
    await(worker.dispatch("c-8", "head -c 3000000 /dev/zero | tr '\\0' 'b'"));

    JsonObject result = worker.result("c-8");
    assertTrue(result.getBoolean("success"), result.getString("stderr"));
    assertNull(result.getValue("live_output_capped"), "3 MB is within the live budget");
    WorkerHarness.waitFor("all the live output", () -> worker.streamed("c-8", "stdout").length() == 3_000_000);
    List<OutputChunk> sent = worker.chunks.stream().map(received -> OutputChunk.fromJson(received.body()))
        .filter(chunk -> chunk.commandId().equals("c-8")).sorted(Comparator.comparingLong(OutputChunk::seq)).toList();
    assertEquals(LongStream.range(0, sent.size()).boxed().toList(), sent.stream().map(OutputChunk::seq).toList(),
        "no chunk lost or repeated");
    assertTrue(sent.stream().allMatch(chunk -> chunk.data().length() <= 64 * 1024),
        "no chunk over 64 KiB (a flood is sent a piece at a time)");
    assertEquals("b".repeat(3_000_000), worker.streamed("c-8", "stdout"));
  }

  @Test
  void invalidUtf8IsReplacedAndSplitCharactersSurviveStreaming() {
    await(worker.dispatch("c-6", "printf '\\377\\376ok\\n'; printf '\\303'; sleep 0.3; printf '\\251\\n'"));

    JsonObject result = worker.result("c-6");
    assertTrue(result.getBoolean("success"));
    String expected = "\uFFFD\uFFFDok\n\u00e9\n";
    assertEquals(expected, result.getString("stdout"));
    assertEquals(expected, worker.streamed("c-6", "stdout"));
  }

  @Test
  void outputStreamsAsChunksBeforeTheCommandEnds() {
    await(worker.dispatch("c-7", "echo first; sleep 1.5; echo second >&2; echo third"));

    WorkerHarness.waitFor("the first chunk", () -> worker.streamed("c-7", "stdout").contains("first"));
    assertFalse(worker.results.containsKey("c-7"), "the chunk came while the command still ran");
    JsonObject result = worker.result("c-7");
    assertEquals("first\nthird\n", result.getString("stdout"));
    assertEquals("first\nthird\n", worker.streamed("c-7", "stdout"));
    assertEquals("second\n", worker.streamed("c-7", "stderr"));
    JsonObject chunk = worker.chunks.get(0).body();
    assertEquals("command_output", chunk.getString("type"));
    assertEquals(worker.workerId(), chunk.getString("worker_id"));
    assertEquals("exec-1", chunk.getString("execution_id"));
  }
}
