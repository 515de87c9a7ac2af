package dev.timewarp.assertions.error;

import java.util.List;
import org.assertj.core.error.ErrorMessageFactory;

/** No timer fired after the expected virtual duration. */
public final class ShouldHaveTimerFiredAfter extends TimewarpMessage {
  private ShouldHaveTimerFiredAfter(String message) {
    super(message);
  }

  public static ErrorMessageFactory shouldHaveTimerFiredAfter(String breadcrumb, String expected, List<String> fired) {
    return new ShouldHaveTimerFiredAfter(breadcrumb + "\nExpecting a timer that fired " + expected + " after it started, but "
        + (fired.isEmpty() ? "no timer fired" : "the timers fired after " + String.join(", ", fired)));
  }
}
