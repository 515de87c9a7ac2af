package dev.timewarp.assertions.error;

import org.assertj.core.error.ErrorMessageFactory;

/** The workflow ended (or not) differently than expected. */
public final class ShouldHaveWorkflowStatus extends TimewarpMessage {
  private ShouldHaveWorkflowStatus(String message) {
    super(message);
  }

  /**
   * @param breadcrumb e.g. "[Workflow order-42 run 7f3a1b2c…]"
   * @param expected e.g. "completed"
   * @param actual e.g. "failed: \"out of stock\"" or "is still running"
   */
  public static ErrorMessageFactory shouldHaveStatus(String breadcrumb, String expected, String actual, String timeline) {
    return new ShouldHaveWorkflowStatus(
        breadcrumb + "\nExpecting the workflow to have " + expected + " but it " + actual + historySection(timeline));
  }
}
