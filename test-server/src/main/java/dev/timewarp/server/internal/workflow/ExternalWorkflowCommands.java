package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.engine.RequestLimits;
import io.temporal.api.command.v1.Command;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.CancelExternalWorkflowExecutionFailedCause;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.SignalExternalWorkflowExecutionFailedCause;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.ExternalWorkflowExecutionCancelRequestedEventAttributes;
import io.temporal.api.history.v1.ExternalWorkflowExecutionSignaledEventAttributes;
import io.temporal.api.history.v1.RequestCancelExternalWorkflowExecutionFailedEventAttributes;
import io.temporal.api.history.v1.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.SignalExternalWorkflowExecutionFailedEventAttributes;
import io.temporal.api.history.v1.SignalExternalWorkflowExecutionInitiatedEventAttributes;
import java.util.Optional;

/**
 * Signalling and cancelling other workflows from a workflow. The command writes an "initiated"
 * event; the delivery happens a moment later, as the real server's transfer task does, and its
 * outcome (signalled / cancel requested, or failed because the target does not run) comes back to
 * the sender as an event of its own.
 */
final class ExternalWorkflowCommands {
  private final WorkflowRun run;

  ExternalWorkflowCommands(WorkflowRun run) {
    this.run = run;
  }

  // ---- validation -------------------------------------------------------------------------------

  static void validateSignal(Command command) {
    if (!command.hasSignalExternalWorkflowExecutionCommandAttributes()) {
      throw badSignal("SignalExternalWorkflowExecutionCommandAttributes is not set on SignalExternalWorkflowExecutionCommand.");
    }
    var a = command.getSignalExternalWorkflowExecutionCommandAttributes();
    if (a.getExecution().getWorkflowId().isEmpty()) {
      throw badSignal("WorkflowId is not set on SignalExternalWorkflowExecutionCommand.");
    }
    if (a.getSignalName().isEmpty()) {
      throw badSignal("SignalName is not set on SignalExternalWorkflowExecutionCommand.");
    }
    if (a.getExecution().getWorkflowId().length() > RequestLimits.MAX_LENGTH
        || a.getSignalName().length() > RequestLimits.MAX_LENGTH
        || a.getNamespace().length() > RequestLimits.MAX_LENGTH) {
      throw badSignal("Namespace, WorkflowId or SignalName exceeds length limit.");
    }
  }

  static void validateCancel(Command command) {
    if (!command.hasRequestCancelExternalWorkflowExecutionCommandAttributes()) {
      throw badCancel("RequestCancelExternalWorkflowExecutionCommandAttributes is not set on RequestCancelExternalWorkflowExecutionCommand.");
    }
    var a = command.getRequestCancelExternalWorkflowExecutionCommandAttributes();
    if (a.getWorkflowId().isEmpty()) {
      throw badCancel("WorkflowId is not set on RequestCancelExternalWorkflowExecutionCommand.");
    }
    if (a.getWorkflowId().length() > RequestLimits.MAX_LENGTH || a.getNamespace().length() > RequestLimits.MAX_LENGTH) {
      throw badCancel("Namespace or WorkflowId exceeds length limit.");
    }
  }

  private static CommandRejection badSignal(String message) {
    return new CommandRejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES, message);
  }

  private static CommandRejection badCancel(String message) {
    return new CommandRejection(
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES, message);
  }

  // ---- application ------------------------------------------------------------------------------

  private String namespaceOf(String requested) {
    return requested.isEmpty() ? run.namespaceName() : requested;
  }

  /** The target if it exists and still runs. */
  private Optional<WorkflowRun> target(String namespace, WorkflowExecution execution) {
    try {
      return Optional.of(run.engine().workflows().find(namespace, execution)).filter(WorkflowRun::isOpen);
    } catch (EngineException notFound) {
      return Optional.empty();
    }
  }

  void signal(Command command, long completedId) {
    var a = command.getSignalExternalWorkflowExecutionCommandAttributes();
    String namespace = namespaceOf(a.getNamespace());
    SignalExternalWorkflowExecutionInitiatedEventAttributes.Builder initiated =
        SignalExternalWorkflowExecutionInitiatedEventAttributes.newBuilder()
            .setWorkflowTaskCompletedEventId(completedId)
            .setNamespace(namespace)
            .setWorkflowExecution(a.getExecution())
            .setSignalName(a.getSignalName())
            .setControl(a.getControl())
            .setChildWorkflowOnly(a.getChildWorkflowOnly());
    if (a.hasInput()) {
      initiated.setInput(a.getInput());
    }
    if (a.hasHeader()) {
      initiated.setHeader(a.getHeader());
    }
    long initiatedId = run.append(run.newEvent(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED)
        .setSignalExternalWorkflowExecutionInitiatedEventAttributes(initiated)).getEventId();
    run.afterThisStep("signal to " + a.getExecution().getWorkflowId(), () -> {
      Optional<WorkflowRun> target = target(namespace, a.getExecution());
      if (target.isEmpty()) {
        report(run.newEvent(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED)
            .setSignalExternalWorkflowExecutionFailedEventAttributes(SignalExternalWorkflowExecutionFailedEventAttributes.newBuilder()
                .setCause(SignalExternalWorkflowExecutionFailedCause.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND)
                .setWorkflowTaskCompletedEventId(completedId)
                .setNamespace(namespace)
                .setWorkflowExecution(a.getExecution())
                .setInitiatedEventId(initiatedId)
                .setControl(a.getControl())));
        return;
      }
      target.get().signalFrom(a.getSignalName(), a.getInput(), a.getHeader(), run.execution());
      report(run.newEvent(EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED)
          .setExternalWorkflowExecutionSignaledEventAttributes(ExternalWorkflowExecutionSignaledEventAttributes.newBuilder()
              .setInitiatedEventId(initiatedId)
              .setNamespace(namespace)
              .setWorkflowExecution(target.get().execution().toBuilder().setRunId(a.getExecution().getRunId()))
              .setControl(a.getControl())));
    });
  }

  void requestCancel(Command command, long completedId) {
    var a = command.getRequestCancelExternalWorkflowExecutionCommandAttributes();
    String namespace = namespaceOf(a.getNamespace());
    WorkflowExecution execution = WorkflowExecution.newBuilder().setWorkflowId(a.getWorkflowId()).setRunId(a.getRunId()).build();
    long initiatedId = run.append(run.newEvent(EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED)
        .setRequestCancelExternalWorkflowExecutionInitiatedEventAttributes(
            RequestCancelExternalWorkflowExecutionInitiatedEventAttributes.newBuilder()
                .setWorkflowTaskCompletedEventId(completedId)
                .setNamespace(namespace)
                .setWorkflowExecution(execution)
                .setControl(a.getControl())
                .setChildWorkflowOnly(a.getChildWorkflowOnly())
                .setReason(a.getReason()))).getEventId();
    run.afterThisStep("cancel request to " + a.getWorkflowId(), () -> {
      Optional<WorkflowRun> target = target(namespace, execution);
      if (target.isEmpty()) {
        report(run.newEvent(EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED)
            .setRequestCancelExternalWorkflowExecutionFailedEventAttributes(
                RequestCancelExternalWorkflowExecutionFailedEventAttributes.newBuilder()
                    .setCause(CancelExternalWorkflowExecutionFailedCause.CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND)
                    .setWorkflowTaskCompletedEventId(completedId)
                    .setNamespace(namespace)
                    .setWorkflowExecution(execution)
                    .setInitiatedEventId(initiatedId)
                    .setControl(a.getControl())));
        return;
      }
      target.get().requestCancelFrom(a.getReason(), initiatedId, run.execution());
      report(run.newEvent(EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED)
          .setExternalWorkflowExecutionCancelRequestedEventAttributes(
              ExternalWorkflowExecutionCancelRequestedEventAttributes.newBuilder()
                  .setInitiatedEventId(initiatedId)
                  .setNamespace(namespace)
                  .setWorkflowExecution(execution)));
    });
  }

  /** The outcome goes back to the sender, unless it has closed meanwhile. */
  private void report(io.temporal.api.history.v1.HistoryEvent.Builder event) {
    if (run.isOpen()) {
      run.addWorkflowEvent(event);
    }
  }
}
