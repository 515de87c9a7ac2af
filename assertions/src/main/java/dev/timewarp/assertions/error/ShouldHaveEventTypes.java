package dev.timewarp.assertions.error;

import java.util.List;
import org.assertj.core.error.ErrorMessageFactory;

/** The history's event types differ from the expected sequence. */
public final class ShouldHaveEventTypes extends TimewarpMessage {
  private ShouldHaveEventTypes(String message) {
    super(message);
  }

  public static ErrorMessageFactory shouldHaveExactly(String breadcrumb, List<String> expected, List<String> actual, String timeline) {
    return new ShouldHaveEventTypes(breadcrumb + "\nExpecting exactly these event types:\n  " + expected
        + "\nbut they were:\n  " + actual + historySection(timeline));
  }

  public static ErrorMessageFactory shouldContainInOrder(
      String breadcrumb, List<String> expected, String firstMissing, int matched, String timeline) {
    return new ShouldHaveEventTypes(breadcrumb + "\nExpecting these event types in this order:\n  " + expected
        + "\nbut after the first " + matched + " matched, no " + firstMissing + " followed" + historySection(timeline));
  }
}
