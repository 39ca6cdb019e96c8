package dev.pulse.worker.guard;

import dev.pulse.contracts.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * WORKER_ALLOWED_COMMANDS: the commands this worker may run, as regular expressions that must
 * match the whole command. Entries are separated by newlines or by {@value #SEPARATOR} (which no
 * regex needs: to match two semicolons, write {@code ;{2}}). Blank entries are skipped, and no
 * entries means every command is allowed. {@code .} does not match a newline, so a multi-line
 * command passes only an entry written for it.
 */
public final class AllowList {

  /** Separates entries on one line (a .env or systemd EnvironmentFile value). */
  public static final String SEPARATOR = ";;";
  private static final String KEY = "WORKER_ALLOWED_COMMANDS";

  private final List<Pattern> patterns;

  private AllowList(List<Pattern> patterns) {
    this.patterns = List.copyOf(patterns);
  }

  /** Parses the setting; an invalid regex throws a one-line ConfigException naming the key and the entry. */
  public static AllowList parse(String text) {
    List<Pattern> patterns = new ArrayList<>();
    if (text != null) {
      int index = 0;
      for (String line : text.split("\\R")) {
        for (String entry : line.split(Pattern.quote(SEPARATOR))) {
          String regex = entry.strip();
          if (regex.isEmpty()) {
            continue;
          }
          index++;
          try {
            patterns.add(Pattern.compile(regex));
          } catch (PatternSyntaxException e) {
            throw new ConfigException(KEY + " entry " + index + " is not a valid regular expression: "
                + e.getDescription() + " in '" + regex + "'");
          }
        }
      }
    }
    return new AllowList(patterns);
  }

  /** Whether the command may run: no entries, or one entry matches all of it. */
  public boolean allows(String command) {
    if (patterns.isEmpty()) {
      return true;
    }
    for (Pattern pattern : patterns) {
      if (pattern.matcher(command).matches()) {
        return true;
      }
    }
    return false;
  }

  /** How many entries there are (0: everything allowed). */
  public int size() {
    return patterns.size();
  }

  @Override
  public String toString() {
    return patterns.isEmpty() ? "AllowList[everything]" : "AllowList" + patterns;
  }
}
