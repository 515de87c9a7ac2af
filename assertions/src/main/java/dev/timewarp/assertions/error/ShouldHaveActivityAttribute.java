package dev.timewarp.assertions.error;

import org.assertj.core.error.ErrorMessageFactory;

/** One attribute of an activity (an option it was scheduled with, its final attempt, ...) differs. */
public final class ShouldHaveActivityAttribute extends TimewarpMessage {
  private ShouldHaveActivityAttribute(String message) {
    super(message);
  }

  public static ErrorMessageFactory shouldHave(String breadcrumb, String attribute, String expected, String actual) {
    return new ShouldHaveActivityAttribute(breadcrumb + "\nExpecting " + attribute + " to be " + expected + " but was " + actual);
  }
}
