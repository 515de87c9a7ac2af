package dev.timewarp.server.internal.workflow;

import com.google.protobuf.Any;
import dev.timewarp.server.internal.engine.EngineException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.protocol.v1.Message;
import io.temporal.api.update.v1.Outcome;
import io.temporal.api.update.v1.Request;
import io.temporal.api.update.v1.UpdateRef;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateResponse;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One workflow update: admitted by a client, sent to the worker on a workflow task, then accepted
 * and completed, or rejected (which leaves nothing in history), or aborted when its run closes.
 * State changes happen under the engine lock; clients wait on {@link #reached} outside it.
 */
public final class WorkflowUpdate {
  enum State {
    /** Waiting for a workflow task to carry it to the worker. */
    ADMITTED,
    /** On the started workflow task; the worker must accept or reject it when completing that task. */
    SENT,
    ACCEPTED,
    /** Has an outcome: a result, a failure, or the rejection. */
    COMPLETED,
    /** Never reached the workflow; answers callers with {@link #abortError}. */
    ABORTED
  }

  private final String id;
  private final Request request;
  /** The run it belongs to: where it was admitted, or the run that continued that one. */
  private WorkflowExecution execution;
  private State state = State.ADMITTED;
  private long acceptedEventId;
  private Outcome outcome;
  private EngineException abortError;
  /** Completes once the update is accepted, or finished without being accepted. */
  private final CompletableFuture<Void> acceptedOrLater = new CompletableFuture<>();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();

  WorkflowUpdate(WorkflowExecution execution, Request request) {
    this.execution = execution;
    this.request = request;
    this.id = request.getMeta().getUpdateId();
  }

  /** What a caller learns: the stage reached and, once completed, the outcome. */
  public record Status(
      UpdateWorkflowExecutionLifecycleStage stage, Optional<Outcome> outcome, WorkflowExecution execution, String updateId) {
    UpdateRef ref() {
      return UpdateRef.newBuilder().setWorkflowExecution(execution).setUpdateId(updateId).build();
    }

    public UpdateWorkflowExecutionResponse toUpdateResponse() {
      UpdateWorkflowExecutionResponse.Builder response = UpdateWorkflowExecutionResponse.newBuilder().setUpdateRef(ref()).setStage(stage);
      outcome.ifPresent(response::setOutcome);
      return response.build();
    }

    public PollWorkflowExecutionUpdateResponse toPollResponse() {
      PollWorkflowExecutionUpdateResponse.Builder response = PollWorkflowExecutionUpdateResponse.newBuilder().setUpdateRef(ref()).setStage(stage);
      outcome.ifPresent(response::setOutcome);
      return response.build();
    }
  }

  public String id() {
    return id;
  }

  Request request() {
    return request;
  }

  State state() {
    return state;
  }

  long acceptedEventId() {
    return acceptedEventId;
  }

  /** Completes (never exceptionally) once the update reached {@code stage} or can get no further. */
  public CompletableFuture<Void> reached(UpdateWorkflowExecutionLifecycleStage stage) {
    CompletableFuture<Void> source =
        switch (stage) {
          case UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED -> finished;
          case UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED -> acceptedOrLater;
          default -> CompletableFuture.completedFuture(null); // a non-blocking look
        };
    return source.thenApply(ignored -> null); // a copy each caller may cancel alone
  }

  /**
   * The most advanced stage reached: completed with its outcome, accepted, or only admitted.
   * An aborted update answers with the error the real server gives.
   */
  public Status status() {
    if (state == State.ABORTED) {
      throw abortError;
    }
    UpdateWorkflowExecutionLifecycleStage stage =
        switch (state) {
          case COMPLETED -> UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
          case ACCEPTED -> UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
          default -> UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED;
        };
    return new Status(stage, Optional.ofNullable(outcome), execution, id);
  }

  boolean isInFlight() {
    return state == State.ADMITTED || state == State.SENT || state == State.ACCEPTED;
  }

  // ---- transitions (under the engine lock) ---------------------------------------------------

  private void require(State... allowed) {
    for (State ok : allowed) {
      if (state == ok) {
        return;
      }
    }
    throw new IllegalStateException("update " + id + " cannot leave state " + state + " this way");
  }

  /** The request as a protocol message on a workflow task, ordered after the event before its start. */
  Message send(long sequencingEventId) {
    require(State.ADMITTED);
    state = State.SENT;
    return Message.newBuilder()
        .setId(requestMessageId())
        .setProtocolInstanceId(id)
        .setEventId(sequencingEventId)
        .setBody(Any.pack(request))
        .build();
  }

  /** The server's own id for the message that carried the request. */
  String requestMessageId() {
    return id + "/request";
  }

  /** The task that carried it was lost; the next one carries it again. */
  void resend() {
    if (state == State.SENT) {
      state = State.ADMITTED;
    }
  }

  void accept(long eventId) {
    require(State.ADMITTED, State.SENT);
    state = State.ACCEPTED;
    acceptedEventId = eventId;
    acceptedOrLater.complete(null);
  }

  /** The worker's response, or the failure of an accepted update whose run closed. */
  void complete(Outcome result) {
    require(State.ACCEPTED);
    finish(result);
  }

  private void finish(Outcome result) {
    state = State.COMPLETED;
    outcome = result;
    acceptedOrLater.complete(null);
    finished.complete(null);
  }

  /** Rejected by the worker (or by the server for a worker that ignored it): the rejection is the outcome. */
  void reject(Failure failure) {
    require(State.ADMITTED, State.SENT);
    finish(Outcome.newBuilder().setFailure(failure).build());
  }

  void abort(EngineException error) {
    require(State.ADMITTED, State.SENT);
    state = State.ABORTED;
    abortError = error;
    acceptedOrLater.complete(null);
    finished.complete(null);
  }

  /** Moves to the run that continues this one; it is delivered there as if sent anew. */
  void moveTo(WorkflowExecution successor) {
    require(State.ADMITTED, State.SENT);
    execution = successor;
    state = State.ADMITTED;
  }
}
