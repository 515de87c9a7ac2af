package dev.timewarp.assertions;

import static dev.timewarp.assertions.TimewarpAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.timewarp.junit.TimewarpTest;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The assertions on real histories written by a Timewarp server, both passing and failing. */
@TimewarpTest(workflows = HistoryAssertionsTest.OrderImpl.class, activities = HistoryAssertionsTest.PaymentsImpl.class)
class HistoryAssertionsTest {
  @ActivityInterface
  public interface Payments {
    String charge(String order);
  }

  public static class PaymentsImpl implements Payments {
    @Override
    public String charge(String order) {
      int attempt = Activity.getExecutionContext().getInfo().getAttempt();
      if (order.startsWith("declined")) {
        throw ApplicationFailure.newNonRetryableFailure("card declined", "CardDeclined", "insufficient funds");
      }
      if (attempt < 3) {
        throw new IllegalStateException("gateway busy (attempt " + attempt + ")");
      }
      return "charged " + order;
    }
  }

  @WorkflowInterface
  public interface Order {
    @WorkflowMethod
    String process(String order);
  }

  public static class OrderImpl implements Order {
    @Override
    public String process(String order) {
      Workflow.sleep(Duration.ofDays(7));
      return Workflow.newActivityStub(Payments.class, ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
              .build())
          .charge(order);
    }
  }

  @Test
  void aCompletedOrderReadsWell(Order order, WorkflowClient client) {
    order.process("o-1");

    assertThat(client, WorkflowStub.fromTyped(order))
        .isCompleted()
        .hasTimerFiredAfter(Duration.ofDays(7))
        .containsEventTypesInOrder(EventType.EVENT_TYPE_TIMER_FIRED, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
        .hasActivity("Charge", charge -> charge
            .isCompleted()
            .hasFinalAttempt(3)
            .hasPreviousAttemptFailureMessage("gateway busy (attempt 2)")
            .hasStartToCloseTimeout(Duration.ofMinutes(2))
            .hasMaximumAttempts(5)
            .hasTaskQueue(WorkflowStub.fromTyped(order).getOptions().orElseThrow().getTaskQueue()));
    assertThat(client, WorkflowStub.fromTyped(order)).result(String.class).isEqualTo("charged o-1");
  }

  @Test
  void aFailedWorkflowSaysWhereAndWhy(Order order, WorkflowClient client) {
    WorkflowFailedException failure = catchThrowableOfType(WorkflowFailedException.class, () -> order.process("declined-2"));

    assertThat(failure).isActivityFailure("Charge").isApplicationFailure("CardDeclined").isNonRetryable()
        .hasDetails(String.class, "insufficient funds");
    HistoryAssert history = assertThat(client, WorkflowStub.fromTyped(order));
    history.isFailed();
    assertThatThrownBy(history::isCompleted)
        .hasMessageContaining("[Workflow aFailedWorkflowSaysWhereAndWhy-")
        .hasMessageContaining(" run " + WorkflowStub.fromTyped(order).getExecution().getRunId().substring(0, 8) + "…]")
        .hasMessageContaining("Expecting the workflow to have completed but it failed: \"Activity task failed\"")
        .hasMessageContaining("History (virtual time from the start):")
        .hasMessageContaining("+7d 00h00m")
        .hasMessageContaining("ActivityTaskFailed \"card declined\" (non_retryable_failure)");
    assertThatThrownBy(() -> history.activity("Charge").isCompleted())
        .hasMessageContaining("[Activity 'Charge' (scheduled event 10) of workflow aFailedWorkflowSaysWhereAndWhy-")
        .hasMessageContaining("Expecting the activity to have completed but it failed after attempt 1 (non_retryable_failure): \"card declined\"");
    assertThatThrownBy(() -> history.activity("Charg"))
        .hasMessageContaining("Expecting an activity of type or id \"Charg\" but none was scheduled.")
        .hasMessageContaining("Nearest: 'Charge' id=");
    assertThatThrownBy(() -> history.activity("Charge").hasRetryState(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED))
        .hasMessageEndingWith("Expecting the retry state to be maximum_attempts_reached but was non_retryable_failure");
    assertThatThrownBy(() -> assertThat(failure).isTimeout(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE))
        .hasMessageContaining("Expecting a timeout (TIMEOUT_TYPE_START_TO_CLOSE) but the failure was:")
        .hasMessageContaining("caused by ApplicationFailure(type=CardDeclined, nonRetryable=true): \"card declined\"");
  }

  @Test
  void eventSequencesAreCheckedExactlyOrInOrder(Order order, WorkflowClient client) {
    order.process("o-3");
    HistoryAssert history = assertThat(client, WorkflowStub.fromTyped(order));
    assertThatThrownBy(() -> history.hasEventTypes(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED))
        .hasMessageContaining("Expecting exactly these event types:\n  [WorkflowExecutionStarted]\nbut they were:\n  [WorkflowExecutionStarted, WorkflowTaskScheduled,");
    assertThatThrownBy(() -> history.containsEventTypesInOrder(
            EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, EventType.EVENT_TYPE_TIMER_FIRED))
        .hasMessageContaining("but after the first 1 matched, no TimerFired followed");
    assertThatThrownBy(() -> history.hasTimerFiredAfter(Duration.ofDays(1)))
        .hasMessageContaining("Expecting a timer that fired 1d 00h00m00.000s after it started, but the timers fired after 7d 00h00m00.");
  }

  @Test
  void softAssertionsCollectEveryFailure(Order order, WorkflowClient client) {
    order.process("o-4");
    TimewarpSoftAssertions softly = new TimewarpSoftAssertions();
    softly.assertThat(client.fetchHistory(WorkflowStub.fromTyped(order).getExecution().getWorkflowId()))
        .isFailed()
        .hasActivity("Charge", charge -> charge.hasFinalAttempt(1));

    assertThatThrownBy(softly::assertAll)
        .hasMessageContaining("Multiple Failures (2 failures)")
        .hasMessageContaining("Expecting the workflow to have failed but it completed")
        .hasMessageContaining("Expecting the final attempt to be 1 but was 3");
  }

  @Test
  void theRepresentationRendersEventsAndPayloads(Order order, WorkflowClient client) {
    order.process("o-5");
    var events = client.fetchHistory(WorkflowStub.fromTyped(order).getExecution().getWorkflowId()).getEvents();
    assertThatThrownBy(() -> org.assertj.core.api.Assertions.assertThat(events.get(0)).isEqualTo(events.get(1)))
        .hasMessageContaining("1 WorkflowExecutionStarted")
        .hasMessageContaining("2 WorkflowTaskScheduled");
    var result = events.get(events.size() - 1).getWorkflowExecutionCompletedEventAttributes().getResult();
    assertThatThrownBy(() -> org.assertj.core.api.Assertions.assertThat(result).isNull())
        .hasMessageContaining("[\"charged o-5\"]");
  }

  @Test
  void everyAttemptComesFromTheServersRecords(Order order, WorkflowClient client, dev.timewarp.junit.TimewarpRuntime runtime) {
    order.process("o-6");
    String workflowId = WorkflowStub.fromTyped(order).getExecution().getWorkflowId();
    var records = runtime.server().orElseThrow().activityRecords(workflowId).get(0).attempts();

    ActivityAssert charge = assertThat(client, WorkflowStub.fromTyped(order)).activity("Charge").withAttempts(records);
    charge.hasAttemptOutcomes("FAILED", "FAILED", "COMPLETED").wasRetriedAfter(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThatThrownBy(() -> charge.wasRetriedAfter(Duration.ofSeconds(1), Duration.ofSeconds(4)))
        .hasMessageEndingWith("Expecting the backoffs between attempts to be [1.000s, 4.000s] but was [1.000s, 2.000s]");
  }

  @Test
  void singleEventsAndHeartbeatDetailsOfATimeout(Order order, WorkflowClient client) {
    order.process("o-7");
    var history = client.fetchHistory(WorkflowStub.fromTyped(order).getExecution().getWorkflowId());
    assertThat(history.getEvents().get(0)).hasType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED).hasEventId(1);
    assertThatThrownBy(() -> assertThat(history.getEvents().get(1)).hasType(EventType.EVENT_TYPE_TIMER_FIRED))
        .hasMessageEndingWith("[Event 2 WorkflowTaskScheduled]\nExpecting the event type to be TimerFired but was WorkflowTaskScheduled");
    // an activity that completed has no timeout to carry heartbeat details
    assertThatThrownBy(() -> assertThat(history).activity("Charge").hasLastHeartbeatDetails(Integer.class, 42))
        .hasMessageEndingWith("Expecting the last heartbeat details to be 42 but was (none)");
  }
}
