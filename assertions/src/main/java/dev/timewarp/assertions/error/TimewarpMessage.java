package dev.timewarp.assertions.error;

import org.assertj.core.error.BasicErrorMessageFactory;

/** A message composed in full by its factory (no AssertJ argument formatting). */
abstract class TimewarpMessage extends BasicErrorMessageFactory {
  TimewarpMessage(String message) {
    super(message.replace("%", "%%"));
  }

  static String historySection(String timeline) {
    return "\nHistory (virtual time from the start):\n" + timeline;
  }
}
