package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.engine.EngineException;
import io.temporal.api.enums.v1.ResourceExhaustedCause;
import io.temporal.api.enums.v1.ResourceExhaustedScope;
import io.temporal.api.errordetails.v1.ResourceExhaustedFailure;
import io.temporal.api.errordetails.v1.WorkflowNotReadyFailure;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.update.v1.Outcome;
import io.temporal.api.update.v1.Request;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The updates of one run, in admission order. Updates that are still moving live here until they
 * complete or abort and stay findable afterwards (duplicate ids and polls see the same update);
 * rejected ones are forgotten, as the real server keeps no trace of a rejection.
 */
final class Updates {
  static final Failure UNPROCESSED = serverFailure(
      "Workflow Update is rejected because it wasn't processed by worker. Probably, Workflow Update is not supported by the worker.",
      "UnprocessedUpdate");
  static final Failure COMPLETED_WORKFLOW = serverFailure(
      "Workflow Update failed because the Workflow completed before the Update completed.",
      "AcceptedUpdateCompletedWorkflow");

  /** history.maxInFlightUpdates: updates admitted and not yet completed (or rejected). */
  static final int MAX_IN_FLIGHT = 10;
  /** history.maxTotalUpdates: every update a run was sent, rejected ones included. */
  static final int MAX_TOTAL = 2000;

  private final WorkflowRun run;
  private final Map<String, WorkflowUpdate> updates = new LinkedHashMap<>();
  private int rejectedCount;
  /** Not yet accepted when the run closed with a successor: they move on to it. */
  private final List<WorkflowUpdate> handedOver = new ArrayList<>();

  Updates(WorkflowRun run) {
    this.run = run;
  }

  private static Failure serverFailure(String message, String type) {
    return Failure.newBuilder()
        .setMessage(message)
        .setSource("Server")
        .setApplicationFailureInfo(ApplicationFailureInfo.newBuilder().setType(type).setNonRetryable(true))
        .build();
  }

  Optional<WorkflowUpdate> find(String updateId) {
    return Optional.ofNullable(updates.get(updateId));
  }

  /**
   * The update with this request's id: the existing one (a duplicate request attaches to it), or a
   * new admitted one, which an idle run gets a speculative workflow task for.
   */
  WorkflowUpdate admit(Request request) {
    WorkflowUpdate existing = updates.get(request.getMeta().getUpdateId());
    if (existing != null) {
      return existing;
    }
    checkLimits();
    WorkflowUpdate admitted = new WorkflowUpdate(run.execution(), request);
    updates.put(admitted.id(), admitted);
    // a scheduled task picks it up when it starts, a started one is followed by another
    run.scheduleSpeculativeWorkflowTask();
    return admitted;
  }

  private void checkLimits() {
    if (updates.values().stream().filter(WorkflowUpdate::isInFlight).count() >= MAX_IN_FLIGHT) {
      throw new EngineException(EngineException.Code.RESOURCE_EXHAUSTED,
          "limit on number of concurrent in-flight updates has been reached (" + MAX_IN_FLIGHT + ")",
          List.of(ResourceExhaustedFailure.newBuilder()
              .setCause(ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_CONCURRENT_LIMIT)
              .setScope(ResourceExhaustedScope.RESOURCE_EXHAUSTED_SCOPE_NAMESPACE)
              .build()));
    }
    if (updates.size() + rejectedCount >= MAX_TOTAL) {
      throw EngineException.failedPrecondition("limit on number of total updates has been reached (" + MAX_TOTAL + ")");
    }
  }

  /**
   * Admits the update of an update-with-start before the new run's first workflow task exists;
   * that task carries it.
   */
  WorkflowUpdate admitOnStart(Request request) {
    WorkflowUpdate admitted = new WorkflowUpdate(run.execution(), request);
    updates.put(admitted.id(), admitted);
    return admitted;
  }

  boolean hasAdmitted() {
    return updates.values().stream().anyMatch(u -> u.state() == WorkflowUpdate.State.ADMITTED);
  }

  /** Puts admitted updates on a workflow task being handed to a worker. */
  void attachTo(PollWorkflowTaskQueueResponse.Builder response, WorkflowTask started) {
    for (WorkflowUpdate update : updates.values()) {
      if (update.state() == WorkflowUpdate.State.ADMITTED) {
        response.addMessages(update.send(started.startedEventId - 1));
      }
    }
  }

  /** The task failed or timed out: what it carried goes out again on the next attempt. */
  void redeliverAfterLostTask() {
    updates.values().forEach(WorkflowUpdate::resend);
  }

  /**
   * The worker's completion was refused: updates it had seen fail (it may never handle them),
   * updates it had not seen wait for the next task.
   */
  void workflowTaskFailed() {
    EngineException error = new EngineException(
        EngineException.Code.FAILED_PRECONDITION,
        "Unable to perform workflow execution update due to unexpected workflow task failure.",
        List.of(WorkflowNotReadyFailure.getDefaultInstance()));
    for (WorkflowUpdate update : List.copyOf(updates.values())) {
      if (update.state() == WorkflowUpdate.State.SENT) {
        update.abort(error);
      }
    }
  }

  /** Updates the task carried that the worker neither accepted nor rejected: the server rejects them. */
  void rejectUnprocessed() {
    for (WorkflowUpdate update : List.copyOf(updates.values())) {
      if (update.state() == WorkflowUpdate.State.SENT) {
        rejected(update, UNPROCESSED);
      }
    }
  }

  void rejected(WorkflowUpdate update, Failure failure) {
    update.reject(failure);
    updates.remove(update.id(), update);
    rejectedCount++;
  }

  /** A rejected update the worker names with its request, though the server no longer knows it. */
  WorkflowUpdate resurrect(String updateId, Request request) {
    WorkflowUpdate update = new WorkflowUpdate(run.execution(), request.toBuilder()
        .setMeta(request.getMeta().toBuilder().setUpdateId(updateId)).build());
    updates.put(updateId, update);
    return update;
  }

  /**
   * The run closed. Accepted updates fail; updates the workflow never accepted move to the run that
   * continues this one (where a client retrying them would land), or fail if there is none.
   */
  void runClosed(HistoryEvent.Builder closeEvent) {
    boolean continues = successorRunId(closeEvent).isPresent();
    EngineException closed = EngineException.notFound("workflow update was aborted by closing workflow");
    for (WorkflowUpdate update : List.copyOf(updates.values())) {
      switch (update.state()) {
        case ACCEPTED -> update.complete(Outcome.newBuilder().setFailure(COMPLETED_WORKFLOW).build());
        case ADMITTED, SENT -> {
          if (continues) {
            updates.remove(update.id());
            handedOver.add(update);
          } else {
            update.abort(closed);
          }
        }
        default -> {}
      }
    }
  }

  /** Takes over what the previous run of the chain handed on; called before this run's first task. */
  void adoptFrom(Updates previous) {
    for (WorkflowUpdate update : previous.handedOver) {
      update.moveTo(run.execution());
      updates.put(update.id(), update);
    }
    previous.handedOver.clear();
  }

  private static Optional<String> successorRunId(HistoryEvent.Builder closeEvent) {
    String next =
        switch (closeEvent.getEventType()) {
          case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED ->
              closeEvent.getWorkflowExecutionCompletedEventAttributes().getNewExecutionRunId();
          case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED ->
              closeEvent.getWorkflowExecutionFailedEventAttributes().getNewExecutionRunId();
          case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT ->
              closeEvent.getWorkflowExecutionTimedOutEventAttributes().getNewExecutionRunId();
          case EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW ->
              closeEvent.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId();
          default -> "";
        };
    return next.isEmpty() ? Optional.empty() : Optional.of(next);
  }
}
