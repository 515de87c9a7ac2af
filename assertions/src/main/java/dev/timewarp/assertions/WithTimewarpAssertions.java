package dev.timewarp.assertions;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.TemporalFailure;

/** Mix-in for test classes that implement AssertJ's {@code WithAssertions}, to add Timewarp's. */
public interface WithTimewarpAssertions {
  default HistoryAssert assertThat(WorkflowExecutionHistory history) {
    return TimewarpAssertions.assertThat(history);
  }

  default HistoryAssert assertThat(WorkflowClient client, WorkflowStub stub) {
    return TimewarpAssertions.assertThat(client, stub);
  }

  default HistoryAssert assertThat(WorkflowClient client, WorkflowExecution execution) {
    return TimewarpAssertions.assertThat(client, execution);
  }

  default HistoryEventAssert assertThat(HistoryEvent event) {
    return TimewarpAssertions.assertThat(event);
  }

  default FailureAssert assertThat(WorkflowException failure) {
    return TimewarpAssertions.assertThat(failure);
  }

  default FailureAssert assertThat(TemporalFailure failure) {
    return TimewarpAssertions.assertThat(failure);
  }
}
