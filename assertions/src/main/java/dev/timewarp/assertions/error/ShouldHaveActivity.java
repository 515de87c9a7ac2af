package dev.timewarp.assertions.error;

import java.util.List;
import org.assertj.core.error.ErrorMessageFactory;

/** No activity of the asked type or id was scheduled; says which ones were, nearest first. */
public final class ShouldHaveActivity extends TimewarpMessage {
  private ShouldHaveActivity(String message) {
    super(message);
  }

  public static ErrorMessageFactory shouldHaveActivity(String breadcrumb, String wanted, List<String> nearestFirst, String timeline) {
    String found = nearestFirst.isEmpty()
        ? "No activity was scheduled at all."
        : "Nearest: " + nearestFirst.get(0) + (nearestFirst.size() > 1 ? "; also scheduled: " + String.join(", ", nearestFirst.subList(1, nearestFirst.size())) : "");
    return new ShouldHaveActivity(breadcrumb + "\nExpecting an activity of type or id \"" + wanted + "\" but none was scheduled.\n"
        + found + historySection(timeline));
  }
}
