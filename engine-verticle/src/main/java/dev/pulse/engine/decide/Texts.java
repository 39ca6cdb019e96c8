package dev.pulse.engine.decide;

import dev.pulse.engine.model.Approval;
import java.util.ArrayList;
import java.util.List;

/** Output capping and wording shared by the state and the logs. */
public final class Texts {

  /** Output kept per stream and target in the execution state (the command row keeps the worker's copy). */
  public static final int STATE_OUTPUT_CAP = 16 * 1024;

  /** Output kept per stream and target in a log line. */
  public static final int LOG_OUTPUT_CAP = 2 * 1024;

  private Texts() {
  }

  /**
   * The last {@code max} characters of {@code text}, marked when cut: the end of a command's
   * output is where its errors are.
   */
  public static String tail(String text, int max) {
    if (text == null) {
      return "";
    }
    if (text.length() <= max) {
      return text;
    }
    int cut = text.length() - max;
    return "[" + cut + " characters cut]\n" + text.substring(cut);
  }

  /** Who may answer a prompt, in words. */
  static String approvers(Approval approval) {
    List<String> who = new ArrayList<>();
    if (!approval.groups().isEmpty()) {
      who.add("groups " + String.join(", ", approval.groups()));
    }
    if (!approval.users().isEmpty()) {
      who.add("users " + String.join(", ", approval.users()));
    }
    return who.isEmpty() ? "anyone but the person who started it" : String.join(" and ", who);
  }
}
