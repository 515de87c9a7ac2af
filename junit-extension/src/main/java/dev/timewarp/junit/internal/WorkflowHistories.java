package dev.timewarp.junit.internal;

/** Attached to a failed test as a suppressed exception: the histories of the test's workflows. */
public final class WorkflowHistories extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WorkflowHistories(String report) {
    super(report, null, false, false);
  }
}
