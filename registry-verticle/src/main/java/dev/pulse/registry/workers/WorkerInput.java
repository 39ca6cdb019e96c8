package dev.pulse.registry.workers;

import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks what workers send before the registry stores it; failures are 400s naming the field. */
final class WorkerInput {

  /** Ids become part of bus addresses and fit the 36-character id column. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,35}");
  private static final int MAX_NAME = 255;
  private static final int MAX_GROUP = 64;
  private static final int MAX_GROUPS = 50;
  private static final int MAX_METADATA_BYTES = 64 * 1024;

  private WorkerInput() {
  }

  static String id(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw PulseException.badRequest("worker_id is required: 1-36 letters, digits, '.', '_' or '-'"
          + " (the worker's stable id, usually a UUID)");
    }
    return id;
  }

  static String name(String name) {
    if (name == null || name.isBlank()) {
      throw PulseException.badRequest("worker_name is required: the worker's name (WORKER_NAME)");
    }
    String trimmed = name.trim();
    if (trimmed.length() > MAX_NAME || trimmed.chars().anyMatch(Character::isISOControl)) {
      throw PulseException.badRequest("worker name must be at most " + MAX_NAME
          + " characters without control characters");
    }
    if (Fleet.ALL.equals(trimmed)) {
      throw PulseException.badRequest("worker name 'all' is reserved: targets use it for every online worker");
    }
    return trimmed;
  }

  static List<String> groups(List<String> groups) {
    List<String> out = new ArrayList<>();
    for (String group : groups == null ? List.<String>of() : groups) {
      String trimmed = group.trim();
      if (trimmed.isEmpty() || trimmed.length() > MAX_GROUP || trimmed.contains(",")
          || Fleet.ALL.equals(trimmed)) {
        throw PulseException.badRequest("groups must be names of 1-" + MAX_GROUP
            + " characters without commas, other than 'all'; got '" + group + "'");
      }
      if (!out.contains(trimmed)) {
        out.add(trimmed);
      }
    }
    if (out.size() > MAX_GROUPS) {
      throw PulseException.badRequest("a worker may belong to at most " + MAX_GROUPS + " groups");
    }
    return out;
  }

  static JsonObject metadata(JsonObject metadata) {
    if (metadata == null) {
      return new JsonObject();
    }
    if (metadata.encode().length() > MAX_METADATA_BYTES) {
      throw new PulseException(ErrorCodes.PAYLOAD_TOO_LARGE,
          "metadata must be at most " + MAX_METADATA_BYTES + " bytes of JSON");
    }
    return metadata;
  }

  static String version(String version) {
    return version == null || version.isBlank() ? null : version.length() > 64 ? version.substring(0, 64) : version;
  }

  static PulseException revoked(String name) {
    return new PulseException(ErrorCodes.UNAUTHORIZED, "Worker '" + name + "' is revoked: an admin must delete it"
        + " in PULSE before it may enrol again");
  }

  static PulseException refused(String name) {
    return new PulseException(ErrorCodes.UNAUTHORIZED, "API key refused for worker '" + name
        + "': present the shared WORKER_API_KEY or the worker_key issued to this worker");
  }
}
