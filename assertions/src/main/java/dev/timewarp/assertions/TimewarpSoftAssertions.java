package dev.timewarp.assertions;

import io.temporal.common.WorkflowExecutionHistory;
import org.assertj.core.api.AbstractSoftAssertions;

/** Soft assertions: collect every failed expectation about a history, then report them together. */
public class TimewarpSoftAssertions extends AbstractSoftAssertions {
  public HistoryAssert assertThat(WorkflowExecutionHistory history) {
    return proxy(HistoryAssert.class, WorkflowExecutionHistory.class, history);
  }
}
