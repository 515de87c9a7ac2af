package dev.timewarp.server.internal.grpc;

import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.workflow.UpdateWithStart;
import dev.timewarp.server.internal.workflow.WorkflowUpdate;
import dev.timewarp.server.internal.workflow.WorkflowUpdates;
import io.grpc.stub.StreamObserver;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.workflowservice.v1.ExecuteMultiOperationRequest;
import io.temporal.api.workflowservice.v1.ExecuteMultiOperationResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateResponse;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The update RPCs: the update is admitted (or found) under the engine, the caller waits outside it
 * until the update reaches the stage asked for, and is answered with the stage reached when the
 * long-poll interval runs out first, as the real server does. A waiting caller is not work in
 * flight, so time skips on while an accepted update sleeps.
 */
final class UpdateRpcs {
  private final Engine engine;
  private final WorkflowUpdates updates;
  private final UpdateWithStart updateWithStart;

  UpdateRpcs(Engine engine) {
    this.engine = engine;
    this.updates = new WorkflowUpdates(engine);
    this.updateWithStart = new UpdateWithStart(engine);
  }

  void update(UpdateWorkflowExecutionRequest request, StreamObserver<UpdateWorkflowExecutionResponse> observer) {
    await(observer, () -> updates.update(request), WorkflowUpdates.Waiting::update, WorkflowUpdates.Waiting::stage,
        waiting -> waiting.update().status().toUpdateResponse());
  }

  void poll(PollWorkflowExecutionUpdateRequest request, StreamObserver<PollWorkflowExecutionUpdateResponse> observer) {
    await(observer, () -> updates.poll(request), WorkflowUpdates.Waiting::update, WorkflowUpdates.Waiting::stage,
        waiting -> waiting.update().status().toPollResponse());
  }

  void executeMultiOperation(ExecuteMultiOperationRequest request, StreamObserver<ExecuteMultiOperationResponse> observer) {
    await(observer, () -> updateWithStart.execute(request), UpdateWithStart.Started::update, UpdateWithStart.Started::stage,
        UpdateWithStart.Started::answer);
  }

  private <W, T> void await(
      StreamObserver<T> observer,
      Supplier<W> admit,
      Function<W, WorkflowUpdate> update,
      Function<W, UpdateWorkflowExecutionLifecycleStage> stage,
      Function<W, T> answer) {
    Duration limit;
    W waiting;
    CompletableFuture<Void> reached;
    try {
      limit = Calls.historyPollWait();
      waiting = engine.call(admit);
      reached = update.apply(waiting).reached(stage.apply(waiting));
    } catch (RuntimeException e) {
      observer.onError(Statuses.toStatus(e));
      return;
    }
    W admitted = waiting;
    CompletableFuture<T> result = reached.thenApply(ignored -> true)
        .completeOnTimeout(false, limit.toNanos(), TimeUnit.NANOSECONDS)
        .thenApplyAsync(ignored -> engine.call(() -> answer.apply(admitted)), engine.delivery());
    Calls.answerWhenDone(engine, observer, result, () -> reached.cancel(false));
  }
}
