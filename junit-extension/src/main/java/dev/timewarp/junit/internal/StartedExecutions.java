package dev.timewarp.junit.internal;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import java.util.ArrayList;
import java.util.List;

/** Remembers the workflows a test's client started, to show their histories when the test fails. */
final class StartedExecutions extends WorkflowClientInterceptorBase {
  private final List<WorkflowExecution> started = new ArrayList<>();

  synchronized List<WorkflowExecution> executions() {
    return List.copyOf(started);
  }

  private synchronized void add(WorkflowExecution execution) {
    started.add(execution);
  }

  @Override
  public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(WorkflowClientCallsInterceptor next) {
    return new WorkflowClientCallsInterceptorBase(next) {
      @Override
      public WorkflowStartOutput start(WorkflowStartInput input) {
        WorkflowStartOutput output = super.start(input);
        add(output.getWorkflowExecution());
        return output;
      }

      @Override
      public WorkflowSignalWithStartOutput signalWithStart(WorkflowSignalWithStartInput input) {
        WorkflowSignalWithStartOutput output = super.signalWithStart(input);
        add(output.getWorkflowStartOutput().getWorkflowExecution());
        return output;
      }
    };
  }
}
