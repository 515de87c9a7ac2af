package dev.timewarp.assertions.error;

import org.assertj.core.error.ErrorMessageFactory;

/** The activity closed (or not) differently than expected. */
public final class ShouldHaveActivityOutcome extends TimewarpMessage {
  private ShouldHaveActivityOutcome(String message) {
    super(message);
  }

  /**
   * @param expected e.g. "completed", "timed out (StartToClose)"
   * @param actual e.g. "failed after attempt 3 (maximum_attempts_reached): \"card declined\""
   */
  public static ErrorMessageFactory shouldHaveOutcome(String breadcrumb, String expected, String actual) {
    return new ShouldHaveActivityOutcome(breadcrumb + "\nExpecting the activity to have " + expected + " but it " + actual);
  }
}
