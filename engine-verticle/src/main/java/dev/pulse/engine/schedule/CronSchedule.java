package dev.pulse.engine.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/** A 5-field Unix cron expression in an IANA time zone, and the due times it gives. */
public final class CronSchedule {

  /** The zone of a schedule that names none. */
  public static final String DEFAULT_ZONE = "UTC";

  private static final CronDefinition UNIX = CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX);
  private static final CronParser PARSER = new CronParser(UNIX);

  private final ExecutionTime times;
  private final ZoneId zone;

  private CronSchedule(ExecutionTime times, ZoneId zone) {
    this.times = times;
    this.zone = zone;
  }

  /** Parses both; fails 400 naming {@code cron} or {@code time_zone} and what to fix. */
  public static CronSchedule parse(Object cron, Object timeZone) {
    if (!(cron instanceof String text) || text.isBlank()) {
      throw invalid("cron", "cron is required: 5 fields (minute hour day-of-month month day-of-week),"
          + " e.g. \"0 3 * * *\" for 03:00 every day");
    }
    if (text.trim().split("\\s+").length != 5) {
      throw invalid("cron", "cron must have 5 fields (minute hour day-of-month month day-of-week), got \""
          + text + "\"; e.g. \"*/15 * * * *\" for every 15 minutes");
    }
    ExecutionTime times;
    try {
      times = ExecutionTime.forCron(PARSER.parse(text.trim()).validate());
    } catch (IllegalArgumentException bad) {
      throw invalid("cron", "cron \"" + text + "\" is not a valid Unix cron expression: " + bad.getMessage());
    }
    Object zoneValue = timeZone == null ? DEFAULT_ZONE : timeZone;
    if (!(zoneValue instanceof String zoneText) || zoneText.isBlank()) {
      throw invalid("time_zone", "time_zone must be an IANA zone id such as \"Europe/Berlin\" or \"UTC\"");
    }
    try {
      return new CronSchedule(times, ZoneId.of(zoneText.trim()));
    } catch (DateTimeException bad) {
      throw invalid("time_zone", "time_zone \"" + zoneText + "\" is not a known IANA zone id;"
          + " use one such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\"");
    }
  }

  /** The zone id as given (trimmed). */
  public String zone() {
    return zone.getId();
  }

  /** The first due time strictly after {@code after}, or null when the expression never fires again. */
  public Instant next(Instant after) {
    return times.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant).orElse(null);
  }

  /** The last due time at or before {@code atOrBefore}, or null when there is none. */
  public Instant latest(Instant atOrBefore) {
    // Due times are whole minutes: "at or before" is "strictly before the next second".
    Instant bound = atOrBefore.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    return times.lastExecution(ZonedDateTime.ofInstant(bound, zone)).map(ZonedDateTime::toInstant).orElse(null);
  }

  private static PulseException invalid(String field, String message) {
    return new PulseException(ErrorCodes.BAD_REQUEST, message, new JsonObject().put("field", field));
  }
}
