package dev.timewarp.assertions;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.TemporalFailure;

/**
 * Entry point for Timewarp's assertions on Temporal histories and failures. They need only the SDK
 * and AssertJ, so they work against a real server too.
 *
 * <pre>{@code
 * assertThat(client.fetchHistory("order-42"))
 *     .isCompleted()
 *     .hasActivity("Charge", charge -> charge.isCompleted().hasFinalAttempt(3));
 * assertThat(workflowFailedException).isActivityFailure("Charge").isTimeout(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
 * }</pre>
 */
public final class TimewarpAssertions {
  private TimewarpAssertions() {}

  public static HistoryAssert assertThat(WorkflowExecutionHistory history) {
    return new HistoryAssert(history);
  }

  /** Fetches the history of the stub's workflow (the run it started or is bound to). */
  public static HistoryAssert assertThat(WorkflowClient client, WorkflowStub stub) {
    return assertThat(client, stub.getExecution());
  }

  /** Fetches the history of an execution (its current run if the run id is empty). */
  public static HistoryAssert assertThat(WorkflowClient client, WorkflowExecution execution) {
    return new HistoryAssert(client.fetchHistory(execution.getWorkflowId(), execution.getRunId()));
  }

  public static HistoryEventAssert assertThat(HistoryEvent event) {
    return new HistoryEventAssert(event);
  }

  public static FailureAssert assertThat(WorkflowException failure) {
    return new FailureAssert(failure);
  }

  public static FailureAssert assertThat(TemporalFailure failure) {
    return new FailureAssert(failure);
  }
}
