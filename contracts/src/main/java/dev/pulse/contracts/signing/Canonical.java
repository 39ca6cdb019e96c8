package dev.pulse.contracts.signing;

import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.WorkflowDispatch;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact bytes a signature covers, independent of JSON formatting, key order and the boxed
 * type a number happens to decode to.
 *
 * <p>The encoding starts with a domain string ({@link #DISPATCH_DOMAIN}, {@link #WORKFLOW_DOMAIN}, {@link #CONTROL_DOMAIN} or
 * {@link #GRANT_DOMAIN}),
 * so that a signed control message can never pass for a command or the other way round. Each
 * value follows as a one-byte tag and its content: {@code N} null; {@code S} a 4-byte length and
 * UTF-8 bytes; {@code I} an 8-byte integer; {@code D} an 8-byte IEEE double; {@code B} one byte;
 * {@code O} a 4-byte count then (key, value) pairs sorted by key; {@code A} a 4-byte count then
 * the values. Every length is explicit, so no two different messages share an encoding.
 */
public final class Canonical {

  /** Domain of {@link CommandDispatch} signatures. */
  public static final String DISPATCH_DOMAIN = "pulse.execute_command.v1";
  /** Domain of {@link WorkflowDispatch} signatures. */
  public static final String WORKFLOW_DOMAIN = "pulse.execute_workflow.v1";
  /** Domain of control-message signatures. */
  public static final String CONTROL_DOMAIN = "pulse.control.v1";
  /** Domain of bus grants ({@link BusGrants}). */
  public static final String GRANT_DOMAIN = "pulse.bus_grant.v1";

  private Canonical() {
  }

  /**
   * What a dispatch signature covers: command_id, execution_id, step_index, worker_id, command,
   * timeout, cwd, env, reply_to and issued_at, in that order.
   */
  public static byte[] dispatch(CommandDispatch dispatch) {
    Writer out = new Writer(DISPATCH_DOMAIN);
    out.value(dispatch.commandId());
    out.value(dispatch.executionId());
    out.value((long) dispatch.stepIndex());
    out.value(dispatch.workerId());
    out.value(dispatch.command());
    out.value(dispatch.timeout());
    out.value(dispatch.cwd());
    out.value(dispatch.env());
    out.value(dispatch.replyTo());
    out.value(dispatch.issuedAt());
    return out.bytes();
  }

  /**
   * What a workflow signature covers: execution_id, worker_id, name, the steps (each an object of
   * name, type, command, timeout, duration), reply_to and issued_at, in that order.
   */
  public static byte[] workflow(WorkflowDispatch dispatch) {
    Writer out = new Writer(WORKFLOW_DOMAIN);
    out.value(dispatch.executionId());
    out.value(dispatch.workerId());
    out.value(dispatch.name());
    out.value(dispatch.stepsJson());
    out.value(dispatch.replyTo());
    out.value(dispatch.issuedAt());
    return out.bytes();
  }

  /** What a control-message signature covers: every field except {@code signature}, sorted by name. */
  public static byte[] control(JsonObject message) {
    JsonObject covered = message.copy();
    covered.remove(DispatchSigner.SIGNATURE);
    Writer out = new Writer(CONTROL_DOMAIN);
    out.value(covered);
    return out.bytes();
  }

  /** What a bus grant covers: the address, who, which role, when, and the whole request body. */
  public static byte[] grant(String address, String actor, String role, long issuedAt, JsonObject body) {
    Writer out = new Writer(GRANT_DOMAIN);
    out.value(address);
    out.value(actor);
    out.value(role);
    out.value(issuedAt);
    out.value(body);
    return out.bytes();
  }

  private static final class Writer {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(buffer);

    Writer(String domain) {
      value(domain);
    }

    byte[] bytes() {
      return buffer.toByteArray();
    }

    void value(Object value) {
      try {
        write(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void write(Object value) throws IOException {
      if (value == null) {
        out.writeByte('N');
      } else if (value instanceof String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeByte('S');
        out.writeInt(utf8.length);
        out.write(utf8);
      } else if (value instanceof Integer || value instanceof Long || value instanceof Short
          || value instanceof Byte || value instanceof BigInteger && ((BigInteger) value).bitLength() < 64) {
        out.writeByte('I');
        out.writeLong(((Number) value).longValue());
      } else if (value instanceof Double || value instanceof Float) {
        out.writeByte('D');
        out.writeDouble(((Number) value).doubleValue());
      } else if (value instanceof BigDecimal || value instanceof BigInteger) {
        write(value.toString());
      } else if (value instanceof Boolean flag) {
        out.writeByte('B');
        out.writeByte(flag ? 1 : 0);
      } else if (value instanceof JsonObject object) {
        List<String> keys = new ArrayList<>(object.fieldNames());
        keys.sort(null);
        out.writeByte('O');
        out.writeInt(keys.size());
        for (String key : keys) {
          write(key);
          write(object.getValue(key));
        }
      } else if (value instanceof JsonArray array) {
        out.writeByte('A');
        out.writeInt(array.size());
        for (Object item : array) {
          write(item);
        }
      } else {
        write(Json.encode(value));
      }
    }
  }
}
