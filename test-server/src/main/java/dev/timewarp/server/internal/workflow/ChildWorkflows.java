package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.engine.RequestLimits;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.StartChildWorkflowExecutionCommandAttributes;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.StartChildWorkflowExecutionFailedCause;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.ChildWorkflowExecutionCanceledEventAttributes;
import io.temporal.api.history.v1.ChildWorkflowExecutionCompletedEventAttributes;
import io.temporal.api.history.v1.ChildWorkflowExecutionFailedEventAttributes;
import io.temporal.api.history.v1.ChildWorkflowExecutionStartedEventAttributes;
import io.temporal.api.history.v1.ChildWorkflowExecutionTerminatedEventAttributes;
import io.temporal.api.history.v1.ChildWorkflowExecutionTimedOutEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.StartChildWorkflowExecutionFailedEventAttributes;
import io.temporal.api.history.v1.StartChildWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.workflow.v1.PendingChildExecutionInfo;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.util.UUID;

/**
 * A workflow's children: the StartChildWorkflowExecution command, the child's start a moment later
 * (as the real server's transfer task), its outcome reported back to the parent, and the parent
 * close policy applied to children still running when the parent closes.
 */
final class ChildWorkflows {
  private final WorkflowRun parent;

  ChildWorkflows(WorkflowRun parent) {
    this.parent = parent;
  }

  /** A child the parent initiated and has not yet heard the end of. */
  static final class PendingChild {
    final long initiatedEventId;
    final String namespace;
    final String workflowId;
    final String workflowType;
    final ParentClosePolicy closePolicy;
    /** Its ChildWorkflowExecutionStarted event; the id is known once the event leaves the buffer. */
    HistoryEvent.Builder startedEvent;
    String firstRunId = "";

    PendingChild(long initiatedEventId, String namespace, String workflowId, String workflowType, ParentClosePolicy closePolicy) {
      this.initiatedEventId = initiatedEventId;
      this.namespace = namespace;
      this.workflowId = workflowId;
      this.workflowType = workflowType;
      this.closePolicy = closePolicy;
    }

    PendingChildExecutionInfo describe() {
      return PendingChildExecutionInfo.newBuilder()
          .setWorkflowId(workflowId)
          .setRunId(firstRunId)
          .setWorkflowTypeName(workflowType)
          .setInitiatedId(initiatedEventId)
          .setParentClosePolicy(closePolicy)
          .build();
    }

    WorkflowExecution execution() {
      return WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(firstRunId).build();
    }
  }

  // ---- validation -------------------------------------------------------------------------------

  static void validate(Command command, WorkflowRun parent) {
    if (!command.hasStartChildWorkflowExecutionCommandAttributes()) {
      throw bad("StartChildWorkflowExecutionCommandAttributes is not set on StartChildWorkflowExecutionCommand.");
    }
    var a = command.getStartChildWorkflowExecutionCommandAttributes();
    if (a.getWorkflowId().isEmpty()) {
      throw bad("Required field WorkflowId is not set on StartChildWorkflowExecutionCommand.");
    }
    if (a.getWorkflowType().getName().isEmpty()) {
      throw bad("Required field WorkflowType is not set on StartChildWorkflowExecutionCommand.");
    }
    if (a.getWorkflowId().length() > RequestLimits.MAX_LENGTH || a.getWorkflowType().getName().length() > RequestLimits.MAX_LENGTH
        || a.getNamespace().length() > RequestLimits.MAX_LENGTH || a.getTaskQueue().getName().length() > RequestLimits.MAX_LENGTH) {
      throw bad("Namespace, WorkflowId, WorkflowType or TaskQueue exceeds length limit.");
    }
    if (!ProtoTime.isValid(a.getWorkflowExecutionTimeout())) {
      throw bad("Invalid WorkflowExecutionTimeout.");
    }
    if (!ProtoTime.isValid(a.getWorkflowRunTimeout())) {
      throw bad("Invalid WorkflowRunTimeout.");
    }
    if (!ProtoTime.isValid(a.getWorkflowTaskTimeout())) {
      throw bad("Invalid WorkflowTaskTimeout.");
    }
    StartRequests.checkCommandRunOptions(parent, a.hasRetryPolicy() ? java.util.Optional.of(a.getRetryPolicy()) : java.util.Optional.empty(),
        a.getCronSchedule(), a.getSearchAttributes(), ChildWorkflows::bad);
  }

  private static CommandRejection bad(String message) {
    return new CommandRejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES, message);
  }

  // ---- starting ---------------------------------------------------------------------------------

  void start(Command command, long completedId) {
    StartChildWorkflowExecutionCommandAttributes a = command.getStartChildWorkflowExecutionCommandAttributes();
    String namespace = a.getNamespace().isEmpty() ? parent.namespaceName() : a.getNamespace();
    StartChildWorkflowExecutionInitiatedEventAttributes.Builder initiated = StartChildWorkflowExecutionInitiatedEventAttributes.newBuilder()
        .setNamespace(namespace)
        .setWorkflowId(a.getWorkflowId())
        .setWorkflowType(a.getWorkflowType())
        .setTaskQueue(a.getTaskQueue().getName().isEmpty() ? parent.startRequest().getTaskQueue() : a.getTaskQueue())
        .setWorkflowExecutionTimeout(a.getWorkflowExecutionTimeout())
        .setWorkflowRunTimeout(a.getWorkflowRunTimeout())
        .setWorkflowTaskTimeout(a.getWorkflowTaskTimeout())
        .setParentClosePolicy(a.getParentClosePolicy())
        .setControl(a.getControl())
        .setWorkflowTaskCompletedEventId(completedId)
        .setWorkflowIdReusePolicy(a.getWorkflowIdReusePolicy())
        .setCronSchedule(a.getCronSchedule());
    if (a.hasInput()) {
      initiated.setInput(a.getInput());
    }
    if (a.hasRetryPolicy()) {
      initiated.setRetryPolicy(a.getRetryPolicy());
    }
    if (a.hasHeader()) {
      initiated.setHeader(a.getHeader());
    }
    if (a.hasMemo()) {
      initiated.setMemo(a.getMemo());
    }
    if (a.hasSearchAttributes()) {
      initiated.setSearchAttributes(a.getSearchAttributes());
    }
    if (a.hasPriority()) {
      initiated.setPriority(a.getPriority());
    }
    long initiatedId = parent.append(parent.newEvent(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)
        .setStartChildWorkflowExecutionInitiatedEventAttributes(initiated)).getEventId();
    ParentClosePolicy policy = a.getParentClosePolicy() == ParentClosePolicy.PARENT_CLOSE_POLICY_UNSPECIFIED
        ? ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE
        : a.getParentClosePolicy();
    PendingChild child = new PendingChild(initiatedId, namespace, a.getWorkflowId(), a.getWorkflowType().getName(), policy);
    parent.children().put(initiatedId, child);
    StartWorkflowExecutionRequest request = startRequest(namespace, initiated.build());
    parent.afterThisStep("start of child " + a.getWorkflowId() + " of " + parent.describe(),
        () -> startNow(child, request, completedId, a.getControl()));
  }

  private StartWorkflowExecutionRequest startRequest(String namespace, StartChildWorkflowExecutionInitiatedEventAttributes i) {
    StartWorkflowExecutionRequest.Builder request = StartWorkflowExecutionRequest.newBuilder()
        .setNamespace(namespace)
        .setWorkflowId(i.getWorkflowId())
        .setWorkflowType(i.getWorkflowType())
        .setTaskQueue(i.getTaskQueue())
        .setWorkflowExecutionTimeout(i.getWorkflowExecutionTimeout())
        .setWorkflowRunTimeout(i.getWorkflowRunTimeout())
        .setWorkflowTaskTimeout(i.getWorkflowTaskTimeout())
        .setIdentity(parent.startRequest().getIdentity())
        .setRequestId(UUID.randomUUID().toString())
        .setWorkflowIdReusePolicy(i.getWorkflowIdReusePolicy())
        .setCronSchedule(i.getCronSchedule());
    if (i.hasInput()) {
      request.setInput(i.getInput());
    }
    if (i.hasRetryPolicy()) {
      request.setRetryPolicy(i.getRetryPolicy());
    }
    if (i.hasHeader()) {
      request.setHeader(i.getHeader());
    }
    if (i.hasMemo()) {
      request.setMemo(i.getMemo());
    }
    if (i.hasSearchAttributes()) {
      request.setSearchAttributes(i.getSearchAttributes());
    }
    if (i.hasPriority()) {
      request.setPriority(i.getPriority());
    }
    return request.build();
  }

  private void startNow(PendingChild child, StartWorkflowExecutionRequest request, long completedId, String control) {
    if (!parent.isOpen()) {
      parent.children().remove(child.initiatedEventId);
      return; // a parent that closed meanwhile starts no children
    }
    WorkflowExecution root = parent.lineage().parent().map(RunLineage.ParentLink::root).orElse(parent.execution());
    WorkflowRun started;
    try {
      started = parent.engine().workflows().startChild(request,
          new RunLineage.ParentLink(parent.namespaceName(), parent.execution(), child.initiatedEventId, root));
    } catch (EngineException refused) {
      parent.children().remove(child.initiatedEventId);
      StartChildWorkflowExecutionFailedCause cause = refused.code() == EngineException.Code.NOT_FOUND
          ? StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_NAMESPACE_NOT_FOUND
          : StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS;
      parent.addWorkflowEvent(parent.newEvent(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED)
          .setStartChildWorkflowExecutionFailedEventAttributes(StartChildWorkflowExecutionFailedEventAttributes.newBuilder()
              .setNamespace(child.namespace)
              .setWorkflowId(child.workflowId)
              .setWorkflowType(request.getWorkflowType())
              .setCause(cause)
              .setControl(control)
              .setInitiatedEventId(child.initiatedEventId)
              .setWorkflowTaskCompletedEventId(completedId)));
      return;
    }
    child.firstRunId = started.runId();
    ChildWorkflowExecutionStartedEventAttributes.Builder attributes = ChildWorkflowExecutionStartedEventAttributes.newBuilder()
        .setNamespace(child.namespace)
        .setInitiatedEventId(child.initiatedEventId)
        .setWorkflowExecution(started.execution())
        .setWorkflowType(request.getWorkflowType());
    if (request.hasHeader()) {
      attributes.setHeader(request.getHeader());
    }
    child.startedEvent = parent.newEvent(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED)
        .setChildWorkflowExecutionStartedEventAttributes(attributes);
    parent.addWorkflowEvent(child.startedEvent);
  }

  // ---- outcomes ---------------------------------------------------------------------------------

  /** The child's chain ended with {@code closing}: the parent hears of it, a moment later. */
  static void childClosed(WorkflowRun child, HistoryEvent.Builder closing) {
    RunLineage.ParentLink link = child.lineage().parent().orElseThrow();
    child.afterThisStep("outcome of child " + child.describe(), () -> {
      WorkflowRun parentRun;
      try {
        parentRun = child.engine().workflows().find(link.namespace(), link.execution());
      } catch (EngineException gone) {
        return;
      }
      PendingChild pending = parentRun.children().get(link.initiatedEventId());
      if (!parentRun.isOpen() || pending == null) {
        return;
      }
      parentRun.children().remove(link.initiatedEventId());
      // the outcome names the started event's id, which a started workflow task may still hold back
      parentRun.whenFlushed(() -> parentRun.addWorkflowEvent(new ChildWorkflows(parentRun).outcomeEvent(pending, closing)));
    });
  }

  private HistoryEvent.Builder outcomeEvent(PendingChild child, HistoryEvent.Builder closing) {
    var type = io.temporal.api.common.v1.WorkflowType.newBuilder().setName(child.workflowType);
    return switch (closing.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED -> {
        var done = closing.getWorkflowExecutionCompletedEventAttributes();
        ChildWorkflowExecutionCompletedEventAttributes.Builder a = ChildWorkflowExecutionCompletedEventAttributes.newBuilder()
            .setNamespace(child.namespace).setWorkflowExecution(child.execution()).setWorkflowType(type)
            .setInitiatedEventId(child.initiatedEventId).setStartedEventId(child.startedEvent.getEventId());
        if (done.hasResult()) {
          a.setResult(done.getResult());
        }
        yield parent.newEvent(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED).setChildWorkflowExecutionCompletedEventAttributes(a);
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED -> {
        var failed = closing.getWorkflowExecutionFailedEventAttributes();
        yield parent.newEvent(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED)
            .setChildWorkflowExecutionFailedEventAttributes(ChildWorkflowExecutionFailedEventAttributes.newBuilder()
                .setFailure(failed.getFailure()).setRetryState(failed.getRetryState())
                .setNamespace(child.namespace).setWorkflowExecution(child.execution()).setWorkflowType(type)
                .setInitiatedEventId(child.initiatedEventId).setStartedEventId(child.startedEvent.getEventId()));
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED -> {
        var canceled = closing.getWorkflowExecutionCanceledEventAttributes();
        ChildWorkflowExecutionCanceledEventAttributes.Builder a = ChildWorkflowExecutionCanceledEventAttributes.newBuilder()
            .setNamespace(child.namespace).setWorkflowExecution(child.execution()).setWorkflowType(type)
            .setInitiatedEventId(child.initiatedEventId).setStartedEventId(child.startedEvent.getEventId());
        if (canceled.hasDetails()) {
          a.setDetails(canceled.getDetails());
        }
        yield parent.newEvent(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED).setChildWorkflowExecutionCanceledEventAttributes(a);
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT -> parent.newEvent(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT)
          .setChildWorkflowExecutionTimedOutEventAttributes(ChildWorkflowExecutionTimedOutEventAttributes.newBuilder()
              .setRetryState(closing.getWorkflowExecutionTimedOutEventAttributes().getRetryState())
              .setNamespace(child.namespace).setWorkflowExecution(child.execution()).setWorkflowType(type)
              .setInitiatedEventId(child.initiatedEventId).setStartedEventId(child.startedEvent.getEventId()));
      case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED -> parent.newEvent(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED)
          .setChildWorkflowExecutionTerminatedEventAttributes(ChildWorkflowExecutionTerminatedEventAttributes.newBuilder()
              .setNamespace(child.namespace).setWorkflowExecution(child.execution()).setWorkflowType(type)
              .setInitiatedEventId(child.initiatedEventId).setStartedEventId(child.startedEvent.getEventId()));
      default -> throw new IllegalStateException("not a closing event: " + closing.getEventType());
    };
  }

  /** The parent closed: each child still running gets what its parent close policy says. */
  void applyParentClosePolicies() {
    for (PendingChild child : java.util.List.copyOf(parent.children().values())) {
      if (child.firstRunId.isEmpty() || child.closePolicy == ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON) {
        continue;
      }
      WorkflowRun current;
      try {
        current = parent.engine().workflows().find(child.namespace,
            WorkflowExecution.newBuilder().setWorkflowId(child.workflowId).build());
      } catch (EngineException gone) {
        continue;
      }
      if (!current.isOpen() || !current.lineage().firstExecutionRunId().equals(child.firstRunId)) {
        continue;
      }
      if (child.closePolicy == ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE) {
        current.terminate("by parent close policy", Payloads.getDefaultInstance(), "history-service");
      } else {
        current.requestCancelFrom("by parent close policy", child.initiatedEventId, parent.execution());
      }
    }
  }
}
