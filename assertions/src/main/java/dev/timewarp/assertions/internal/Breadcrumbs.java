package dev.timewarp.assertions.internal;

import io.temporal.api.common.v1.WorkflowExecution;

/** Where a message is about, so a failure says which workflow and which activity at a glance. */
public final class Breadcrumbs {
  private Breadcrumbs() {}

  /** "workflow order-42 run 7f3a1b2c…". */
  public static String workflow(WorkflowExecution execution) {
    String run = execution.getRunId();
    return "workflow " + execution.getWorkflowId() + (run.isEmpty() ? "" : " run " + run.substring(0, Math.min(8, run.length())) + "…");
  }
}
