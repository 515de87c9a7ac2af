package dev.timewarp.assertions.error;

import org.assertj.core.error.ErrorMessageFactory;

/** A Temporal failure is not what was expected; shows its whole cause chain. */
public final class ShouldMatchFailure extends TimewarpMessage {
  private ShouldMatchFailure(String message) {
    super(message);
  }

  /** @param chain one line per failure in the cause chain, outermost first */
  public static ErrorMessageFactory shouldBe(String expectation, String chain) {
    return new ShouldMatchFailure("\nExpecting " + expectation + " but the failure was:\n" + chain);
  }
}
