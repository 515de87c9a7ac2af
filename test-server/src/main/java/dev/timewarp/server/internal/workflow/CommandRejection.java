package dev.timewarp.server.internal.workflow;

import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import java.util.Locale;

/** A command the server refuses: the workflow task fails with this cause and message. */
final class CommandRejection extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final String PREFIX = "WORKFLOW_TASK_FAILED_CAUSE_";

  final transient WorkflowTaskFailedCause cause;
  /** Some refusals (an oversize payload) also terminate the workflow, as the real server does. */
  final boolean terminatesWorkflow;

  CommandRejection(WorkflowTaskFailedCause cause, String message) {
    this(cause, message, false);
  }

  private CommandRejection(WorkflowTaskFailedCause cause, String message, boolean terminatesWorkflow) {
    super(message, null, false, false);
    this.cause = cause;
    this.terminatesWorkflow = terminatesWorkflow;
  }

  static CommandRejection terminating(WorkflowTaskFailedCause cause, String message) {
    return new CommandRejection(cause, message, true);
  }

  /** "BadScheduleActivityAttributes: activityId is not set", as the real server words it. */
  String fullMessage() {
    return causeName(cause) + ": " + getMessage();
  }

  static String causeName(WorkflowTaskFailedCause cause) {
    StringBuilder name = new StringBuilder();
    for (String word : cause.name().substring(PREFIX.length()).split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }
}
