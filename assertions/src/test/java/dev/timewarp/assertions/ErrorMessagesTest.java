package dev.timewarp.assertions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.assertions.error.ShouldHaveActivity;
import dev.timewarp.assertions.error.ShouldHaveActivityAttribute;
import dev.timewarp.assertions.error.ShouldHaveActivityOutcome;
import dev.timewarp.assertions.error.ShouldHaveEventTypes;
import dev.timewarp.assertions.error.ShouldHaveTimerFiredAfter;
import dev.timewarp.assertions.error.ShouldHaveWorkflowStatus;
import dev.timewarp.assertions.error.ShouldMatchFailure;
import java.util.List;
import org.assertj.core.description.TextDescription;
import org.assertj.core.error.ErrorMessageFactory;
import org.assertj.core.presentation.StandardRepresentation;
import org.junit.jupiter.api.Test;

/** The exact text of every message, so a change to one is a deliberate change. */
class ErrorMessagesTest {
  private static final String CRUMB = "[Workflow order-42 run 7f3a1b2c…]";
  private static final String TIMELINE = "           +0.000s    1  WorkflowExecutionStarted";

  private static String text(ErrorMessageFactory factory) {
    return factory.create(new TextDescription(""), StandardRepresentation.STANDARD_REPRESENTATION);
  }

  @Test
  void workflowStatus() {
    assertThat(text(ShouldHaveWorkflowStatus.shouldHaveStatus(CRUMB, "completed", "failed: \"out of stock\"", TIMELINE)))
        .isEqualTo("[Workflow order-42 run 7f3a1b2c…]\n"
            + "Expecting the workflow to have completed but it failed: \"out of stock\"\n"
            + "History (virtual time from the start):\n"
            + "           +0.000s    1  WorkflowExecutionStarted");
  }

  @Test
  void eventTypes() {
    assertThat(text(ShouldHaveEventTypes.shouldHaveExactly(CRUMB, List.of("A", "B"), List.of("A", "C"), TIMELINE)))
        .isEqualTo(CRUMB + "\nExpecting exactly these event types:\n  [A, B]\nbut they were:\n  [A, C]\n"
            + "History (virtual time from the start):\n" + TIMELINE);
    assertThat(text(ShouldHaveEventTypes.shouldContainInOrder(CRUMB, List.of("A", "B"), "B", 1, TIMELINE)))
        .isEqualTo(CRUMB + "\nExpecting these event types in this order:\n  [A, B]\nbut after the first 1 matched, no B followed\n"
            + "History (virtual time from the start):\n" + TIMELINE);
  }

  @Test
  void missingActivityNamesTheNearest() {
    assertThat(text(ShouldHaveActivity.shouldHaveActivity(CRUMB, "Charg", List.of("'Charge' id=1", "'Ship' id=2"), TIMELINE)))
        .isEqualTo(CRUMB + "\nExpecting an activity of type or id \"Charg\" but none was scheduled.\n"
            + "Nearest: 'Charge' id=1; also scheduled: 'Ship' id=2\n"
            + "History (virtual time from the start):\n" + TIMELINE);
    assertThat(text(ShouldHaveActivity.shouldHaveActivity(CRUMB, "Charge", List.of(), TIMELINE)))
        .contains("No activity was scheduled at all.");
  }

  @Test
  void activityOutcomeAndAttributes() {
    String crumb = "[Activity 'Charge' (scheduled event 5) of workflow order-42 run 7f3a1b2c…]";
    assertThat(text(ShouldHaveActivityOutcome.shouldHaveOutcome(crumb, "completed",
            "failed after attempt 3 (maximum_attempts_reached): \"card declined\"")))
        .isEqualTo(crumb + "\nExpecting the activity to have completed but it failed after attempt 3"
            + " (maximum_attempts_reached): \"card declined\"");
    assertThat(text(ShouldHaveActivityAttribute.shouldHave(crumb, "the final attempt", "2", "3")))
        .isEqualTo(crumb + "\nExpecting the final attempt to be 2 but was 3");
  }

  @Test
  void timerFiredAfter() {
    assertThat(text(ShouldHaveTimerFiredAfter.shouldHaveTimerFiredAfter(CRUMB, "7d 00h00m00.000s", List.of("1h00m00.000s"))))
        .isEqualTo(CRUMB + "\nExpecting a timer that fired 7d 00h00m00.000s after it started, but the timers fired after 1h00m00.000s");
    assertThat(text(ShouldHaveTimerFiredAfter.shouldHaveTimerFiredAfter(CRUMB, "1.000s", List.of())))
        .endsWith("but no timer fired");
  }

  @Test
  void failureChain() {
    assertThat(text(ShouldMatchFailure.shouldBe("a timeout (TIMEOUT_TYPE_HEARTBEAT)",
            "  ActivityFailure(type=Charge, id=1, retryState=RETRY_STATE_TIMEOUT)\n  caused by TimeoutFailure(TIMEOUT_TYPE_START_TO_CLOSE)")))
        .isEqualTo("\nExpecting a timeout (TIMEOUT_TYPE_HEARTBEAT) but the failure was:\n"
            + "  ActivityFailure(type=Charge, id=1, retryState=RETRY_STATE_TIMEOUT)\n"
            + "  caused by TimeoutFailure(TIMEOUT_TYPE_START_TO_CLOSE)");
  }
}
