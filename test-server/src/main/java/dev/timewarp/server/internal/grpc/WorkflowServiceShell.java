package dev.timewarp.server.internal.grpc;

import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.matching.Matching;
import dev.timewarp.server.internal.workflow.ActivityTaskRpcs;
import dev.timewarp.server.internal.workflow.Descriptions;
import dev.timewarp.server.internal.workflow.HistoryReads;
import io.grpc.stub.StreamObserver;
import io.temporal.api.workflowservice.v1.*;
import dev.timewarp.server.internal.activity.ActivityDescriptions;
import dev.timewarp.server.internal.activity.ActivityListing;
import dev.timewarp.server.internal.workflow.WorkflowListing;
import dev.timewarp.server.internal.activity.StandaloneActivities;
import dev.timewarp.server.internal.engine.EngineException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * temporal.api.workflowservice.v1.WorkflowService: translates requests to engine calls. RPCs not
 * overridden here answer UNIMPLEMENTED with the method's full name (the generated default).
 */
public final class WorkflowServiceShell extends WorkflowServiceGrpc.WorkflowServiceImplBase {
  private final Engine engine;
  private final ActivityTaskRpcs activities;
  private final dev.timewarp.server.internal.workflow.ActivityOperatorRpcs operators;
  private final UpdateRpcs updates;

  public WorkflowServiceShell(Engine engine) {
    this.engine = engine;
    this.activities = new ActivityTaskRpcs(engine);
    this.operators = new dev.timewarp.server.internal.workflow.ActivityOperatorRpcs(engine);
    this.updates = new UpdateRpcs(engine);
  }

  // ---- cluster and namespaces -----------------------------------------------------------------

  @Override
  public void getSystemInfo(GetSystemInfoRequest request, StreamObserver<GetSystemInfoResponse> observer) {
    Calls.unary(engine, observer, () -> SystemInfo.RESPONSE);
  }

  @Override
  public void registerNamespace(RegisterNamespaceRequest request, StreamObserver<RegisterNamespaceResponse> observer) {
    Calls.unary(engine, observer, () -> engine.namespaces().register(request), RegisterNamespaceResponse.getDefaultInstance());
  }

  @Override
  public void describeNamespace(DescribeNamespaceRequest request, StreamObserver<DescribeNamespaceResponse> observer) {
    Calls.unary(engine, observer, () -> engine.namespaces().describe(request));
  }

  @Override
  public void listNamespaces(ListNamespacesRequest request, StreamObserver<ListNamespacesResponse> observer) {
    Calls.unary(engine, observer, () -> engine.namespaces().list(request));
  }

  @Override
  public void updateNamespace(UpdateNamespaceRequest request, StreamObserver<UpdateNamespaceResponse> observer) {
    Calls.unary(engine, observer, () -> engine.namespaces().update(request));
  }

  // ---- workflow lifecycle ---------------------------------------------------------------------

  @Override
  public void startWorkflowExecution(StartWorkflowExecutionRequest request, StreamObserver<StartWorkflowExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> engine.workflows().startChecked(request));
  }

  @Override
  public void signalWithStartWorkflowExecution(
      SignalWithStartWorkflowExecutionRequest request, StreamObserver<SignalWithStartWorkflowExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> {
      StartWorkflowExecutionResponse started = engine.workflows().signalWithStart(request);
      return SignalWithStartWorkflowExecutionResponse.newBuilder()
          .setRunId(started.getRunId())
          .setStarted(started.getStarted())
          .build();
    });
  }

  @Override
  public void signalWorkflowExecution(SignalWorkflowExecutionRequest request, StreamObserver<SignalWorkflowExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> engine.workflows().signal(request), SignalWorkflowExecutionResponse.getDefaultInstance());
  }

  @Override
  public void requestCancelWorkflowExecution(
      RequestCancelWorkflowExecutionRequest request, StreamObserver<RequestCancelWorkflowExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> engine.workflows().requestCancel(request), RequestCancelWorkflowExecutionResponse.getDefaultInstance());
  }

  @Override
  public void terminateWorkflowExecution(
      TerminateWorkflowExecutionRequest request, StreamObserver<TerminateWorkflowExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> engine.workflows().terminate(request), TerminateWorkflowExecutionResponse.getDefaultInstance());
  }

  @Override
  public void describeWorkflowExecution(
      DescribeWorkflowExecutionRequest request, StreamObserver<DescribeWorkflowExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> Descriptions.describe(engine.workflows(), request));
  }

  @Override
  public void getWorkflowExecutionHistory(
      GetWorkflowExecutionHistoryRequest request, StreamObserver<GetWorkflowExecutionHistoryResponse> observer) {
    Duration wait;
    HistoryReads.Read first;
    try {
      wait = Calls.historyPollWait();
      first = engine.call(() -> HistoryReads.read(engine.workflows(), request));
    } catch (RuntimeException e) {
      observer.onError(Statuses.toStatus(e));
      return;
    }
    if (first.answer().isPresent()) {
      observer.onNext(first.answer().get());
      observer.onCompleted();
      return;
    }
    CompletableFuture<GetWorkflowExecutionHistoryResponse> result =
        first.changed()
            .completeOnTimeout(null, wait.toNanos(), TimeUnit.NANOSECONDS)
            .thenApplyAsync(changed -> engine.call(() -> HistoryReads.read(engine.workflows(), request))
                .answer()
                .orElseGet(() -> HistoryReads.nothingNew(request)), engine.delivery());
    Calls.answerWhenDone(engine, observer, result, () -> first.changed().cancel(false));
  }

  // ---- workflow tasks and queries -------------------------------------------------------------

  @Override
  public void pollWorkflowTaskQueue(PollWorkflowTaskQueueRequest request, StreamObserver<PollWorkflowTaskQueueResponse> observer) {
    Matching.PollHandle poll;
    try {
      Duration wait = Calls.taskPollWait();
      poll = engine.call(() -> engine.workflows().pollWorkflowTask(request, wait));
    } catch (RuntimeException e) {
      observer.onError(Statuses.toStatus(e));
      return;
    }
    Calls.answerWhenDone(
        engine,
        observer,
        poll.result().thenApply(task -> (PollWorkflowTaskQueueResponse) task.orElse(PollWorkflowTaskQueueResponse.getDefaultInstance())),
        poll.cancel());
  }

  @Override
  public void respondWorkflowTaskCompleted(
      RespondWorkflowTaskCompletedRequest request, StreamObserver<RespondWorkflowTaskCompletedResponse> observer) {
    Calls.unary(engine, observer, () -> engine.workflows().completeWorkflowTask(request));
  }

  @Override
  public void respondWorkflowTaskFailed(
      RespondWorkflowTaskFailedRequest request, StreamObserver<RespondWorkflowTaskFailedResponse> observer) {
    Calls.unary(engine, observer, () -> engine.workflows().failWorkflowTask(request), RespondWorkflowTaskFailedResponse.getDefaultInstance());
  }

  @Override
  public void queryWorkflow(QueryWorkflowRequest request, StreamObserver<QueryWorkflowResponse> observer) {
    QueryRejections.Outcome outcome;
    try {
      outcome = engine.call(() -> QueryRejections.submit(engine.workflows(), request));
    } catch (RuntimeException e) {
      observer.onError(Statuses.toStatus(e));
      return;
    }
    Calls.answerWhenDone(engine, observer, outcome.result(), () -> engine.run(outcome.forget()));
  }

  @Override
  public void respondQueryTaskCompleted(
      RespondQueryTaskCompletedRequest request, StreamObserver<RespondQueryTaskCompletedResponse> observer) {
    Calls.unary(engine, observer, () -> engine.workflows().respondQueryTaskCompleted(request), RespondQueryTaskCompletedResponse.getDefaultInstance());
  }

  @Override
  public void resetStickyTaskQueue(ResetStickyTaskQueueRequest request, StreamObserver<ResetStickyTaskQueueResponse> observer) {
    Calls.unary(engine, observer, () -> engine.workflows().resetStickyQueue(request.getNamespace(), request.getExecution()),
        ResetStickyTaskQueueResponse.getDefaultInstance());
  }

  @Override
  public void shutdownWorker(ShutdownWorkerRequest request, StreamObserver<ShutdownWorkerResponse> observer) {
    Calls.unary(engine, observer, () -> {
      engine.workflows().workerShutdown(request.getNamespace(), request.getStickyTaskQueue());
      engine.matching().releasePolls(request.getNamespace(), request.getIdentity());
    }, ShutdownWorkerResponse.getDefaultInstance());
  }

  // ---- workflow updates -----------------------------------------------------------------------

  @Override
  public void updateWorkflowExecution(UpdateWorkflowExecutionRequest request, StreamObserver<UpdateWorkflowExecutionResponse> observer) {
    updates.update(request, observer);
  }

  @Override
  public void pollWorkflowExecutionUpdate(
      PollWorkflowExecutionUpdateRequest request, StreamObserver<PollWorkflowExecutionUpdateResponse> observer) {
    updates.poll(request, observer);
  }

  @Override
  public void executeMultiOperation(ExecuteMultiOperationRequest request, StreamObserver<ExecuteMultiOperationResponse> observer) {
    updates.executeMultiOperation(request, observer);
  }

  // ---- activity tasks -------------------------------------------------------------------------

  @Override
  public void pollActivityTaskQueue(PollActivityTaskQueueRequest request, StreamObserver<PollActivityTaskQueueResponse> observer) {
    Matching.PollHandle poll;
    try {
      Duration wait = Calls.taskPollWait();
      poll = engine.call(() -> activities.poll(request, wait));
    } catch (RuntimeException e) {
      observer.onError(Statuses.toStatus(e));
      return;
    }
    Calls.answerWhenDone(
        engine,
        observer,
        poll.result().thenApply(task -> (PollActivityTaskQueueResponse) task.orElse(PollActivityTaskQueueResponse.getDefaultInstance())),
        poll.cancel());
  }

  @Override
  public void recordActivityTaskHeartbeat(
      RecordActivityTaskHeartbeatRequest request, StreamObserver<RecordActivityTaskHeartbeatResponse> observer) {
    Calls.unary(engine, observer, () -> activities.heartbeat(request));
  }

  @Override
  public void recordActivityTaskHeartbeatById(
      RecordActivityTaskHeartbeatByIdRequest request, StreamObserver<RecordActivityTaskHeartbeatByIdResponse> observer) {
    Calls.unary(engine, observer, () -> activities.heartbeatById(request));
  }

  @Override
  public void respondActivityTaskCompleted(
      RespondActivityTaskCompletedRequest request, StreamObserver<RespondActivityTaskCompletedResponse> observer) {
    Calls.unary(engine, observer, () -> activities.complete(request), RespondActivityTaskCompletedResponse.getDefaultInstance());
  }

  @Override
  public void respondActivityTaskCompletedById(
      RespondActivityTaskCompletedByIdRequest request, StreamObserver<RespondActivityTaskCompletedByIdResponse> observer) {
    Calls.unary(engine, observer, () -> activities.completeById(request), RespondActivityTaskCompletedByIdResponse.getDefaultInstance());
  }

  @Override
  public void respondActivityTaskFailed(
      RespondActivityTaskFailedRequest request, StreamObserver<RespondActivityTaskFailedResponse> observer) {
    Calls.unary(engine, observer, () -> activities.fail(request));
  }

  @Override
  public void respondActivityTaskFailedById(
      RespondActivityTaskFailedByIdRequest request, StreamObserver<RespondActivityTaskFailedByIdResponse> observer) {
    Calls.unary(engine, observer, () -> activities.failById(request));
  }

  @Override
  public void respondActivityTaskCanceled(
      RespondActivityTaskCanceledRequest request, StreamObserver<RespondActivityTaskCanceledResponse> observer) {
    Calls.unary(engine, observer, () -> activities.canceled(request), RespondActivityTaskCanceledResponse.getDefaultInstance());
  }

  @Override
  public void respondActivityTaskCanceledById(
      RespondActivityTaskCanceledByIdRequest request, StreamObserver<RespondActivityTaskCanceledByIdResponse> observer) {
    Calls.unary(engine, observer, () -> activities.canceledById(request), RespondActivityTaskCanceledByIdResponse.getDefaultInstance());
  }

  // ---- operator controls on workflow activities -------------------------------------------------

  @Override
  public void pauseActivity(PauseActivityRequest request, StreamObserver<PauseActivityResponse> observer) {
    Calls.unary(engine, observer, () -> operators.pause(request), PauseActivityResponse.getDefaultInstance());
  }

  @Override
  public void unpauseActivity(UnpauseActivityRequest request, StreamObserver<UnpauseActivityResponse> observer) {
    Calls.unary(engine, observer, () -> operators.unpause(request), UnpauseActivityResponse.getDefaultInstance());
  }

  @Override
  public void resetActivity(ResetActivityRequest request, StreamObserver<ResetActivityResponse> observer) {
    Calls.unary(engine, observer, () -> operators.reset(request), ResetActivityResponse.getDefaultInstance());
  }

  @Override
  public void updateActivityOptions(UpdateActivityOptionsRequest request, StreamObserver<UpdateActivityOptionsResponse> observer) {
    Calls.unary(engine, observer, () -> operators.updateOptions(request));
  }

  // The *ActivityExecution forms: with a workflow id they act on that workflow's activity (§11),
  // without one on a standalone activity (§12.3).

  @Override
  public void pauseActivityExecution(PauseActivityExecutionRequest r, StreamObserver<PauseActivityExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> operators.pauseExecution(r), PauseActivityExecutionResponse.getDefaultInstance());
  }

  @Override
  public void unpauseActivityExecution(UnpauseActivityExecutionRequest r, StreamObserver<UnpauseActivityExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> operators.unpauseExecution(r), UnpauseActivityExecutionResponse.getDefaultInstance());
  }

  @Override
  public void resetActivityExecution(ResetActivityExecutionRequest r, StreamObserver<ResetActivityExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> operators.resetExecution(r), ResetActivityExecutionResponse.getDefaultInstance());
  }

  @Override
  public void updateActivityExecutionOptions(
      UpdateActivityExecutionOptionsRequest r, StreamObserver<UpdateActivityExecutionOptionsResponse> observer) {
    Calls.unary(engine, observer, () -> UpdateActivityExecutionOptionsResponse.newBuilder()
        .setActivityOptions(operators.updateExecutionOptions(r))
        .build());
  }

  // ---- standalone activities ----------------------------------------------------------------------

  @Override
  public void startActivityExecution(StartActivityExecutionRequest request, StreamObserver<StartActivityExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> engine.standaloneActivities().start(request));
  }

  /** With a long-poll token, waits until the activity's state moved past the token's. */
  @Override
  public void describeActivityExecution(
      DescribeActivityExecutionRequest request, StreamObserver<DescribeActivityExecutionResponse> observer) {
    Calls.longPoll(engine, observer, () -> {
      if (!request.getLongPollToken().isEmpty() && request.getRunId().isEmpty()) {
        StandaloneActivities.checkIds(request.getActivityId(), "");
        throw EngineException.invalidArgument("run id is required when long poll token is provided");
      }
      var activity = engine.standaloneActivities().find(request.getNamespace(), request.getActivityId(), request.getRunId());
      return request.getLongPollToken().isEmpty()
          ? java.util.concurrent.CompletableFuture.completedFuture(null)
          : activity.changedAfter(ActivityDescriptions.seenTransitions(request.getLongPollToken(), activity.runId()));
    }, () -> ActivityDescriptions.describe(
        engine.standaloneActivities().find(request.getNamespace(), request.getActivityId(), request.getRunId()), request),
        DescribeActivityExecutionResponse.getDefaultInstance());
  }

  @Override
  public void pollActivityExecution(PollActivityExecutionRequest request, StreamObserver<PollActivityExecutionResponse> observer) {
    Calls.longPoll(engine, observer,
        () -> engine.standaloneActivities().find(request.getNamespace(), request.getActivityId(), request.getRunId()).closed(),
        () -> {
          var activity = engine.standaloneActivities().find(request.getNamespace(), request.getActivityId(), request.getRunId());
          PollActivityExecutionResponse.Builder response = PollActivityExecutionResponse.newBuilder().setRunId(activity.runId());
          activity.outcome().ifPresent(response::setOutcome);
          return response.build();
        },
        PollActivityExecutionResponse.getDefaultInstance());
  }

  @Override
  public void requestCancelActivityExecution(
      RequestCancelActivityExecutionRequest request, StreamObserver<RequestCancelActivityExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> engine.standaloneActivities().requestCancel(request),
        RequestCancelActivityExecutionResponse.getDefaultInstance());
  }

  @Override
  public void terminateActivityExecution(
      TerminateActivityExecutionRequest request, StreamObserver<TerminateActivityExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> engine.standaloneActivities().terminate(request),
        TerminateActivityExecutionResponse.getDefaultInstance());
  }

  @Override
  public void deleteActivityExecution(
      io.temporal.api.workflowservice.v1.DeleteActivityExecutionRequest request,
      StreamObserver<io.temporal.api.workflowservice.v1.DeleteActivityExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> engine.standaloneActivities().delete(request),
        io.temporal.api.workflowservice.v1.DeleteActivityExecutionResponse.getDefaultInstance());
  }

  @Override
  public void listActivityExecutions(
      io.temporal.api.workflowservice.v1.ListActivityExecutionsRequest request,
      StreamObserver<io.temporal.api.workflowservice.v1.ListActivityExecutionsResponse> observer) {
    Calls.unary(engine, observer, () -> new ActivityListing(engine.standaloneActivities())
        .list(engine.namespaces().require(request.getNamespace()), request));
  }

  @Override
  public void countActivityExecutions(
      io.temporal.api.workflowservice.v1.CountActivityExecutionsRequest request,
      StreamObserver<io.temporal.api.workflowservice.v1.CountActivityExecutionsResponse> observer) {
    Calls.unary(engine, observer, () -> new ActivityListing(engine.standaloneActivities())
        .count(engine.namespaces().require(request.getNamespace()), request));
  }

  // ---- workflow visibility ------------------------------------------------------------------------

  private WorkflowListing workflowListing() {
    return new WorkflowListing(engine.workflows());
  }

  @Override
  public void listWorkflowExecutions(
      io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest request,
      StreamObserver<io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse> observer) {
    Calls.unary(engine, observer, () -> {
      var page = workflowListing().list(engine.namespaces().require(request.getNamespace()), request.getQuery(),
          request.getPageSize(), request.getNextPageToken());
      return io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse.newBuilder()
          .addAllExecutions(page.items()).setNextPageToken(page.nextPageToken()).build();
    });
  }

  @Override
  public void scanWorkflowExecutions(
      io.temporal.api.workflowservice.v1.ScanWorkflowExecutionsRequest request,
      StreamObserver<io.temporal.api.workflowservice.v1.ScanWorkflowExecutionsResponse> observer) {
    Calls.unary(engine, observer, () -> {
      var page = workflowListing().list(engine.namespaces().require(request.getNamespace()), request.getQuery(),
          request.getPageSize(), request.getNextPageToken());
      return io.temporal.api.workflowservice.v1.ScanWorkflowExecutionsResponse.newBuilder()
          .addAllExecutions(page.items()).setNextPageToken(page.nextPageToken()).build();
    });
  }

  @Override
  public void countWorkflowExecutions(
      io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest request,
      StreamObserver<io.temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse> observer) {
    Calls.unary(engine, observer, () -> workflowListing().count(engine.namespaces().require(request.getNamespace()), request));
  }

  @Override
  public void resetWorkflowExecution(
      io.temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest request,
      StreamObserver<io.temporal.api.workflowservice.v1.ResetWorkflowExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> new dev.timewarp.server.internal.workflow.WorkflowResets(engine.workflows()).reset(request));
  }

  @Override
  public void deleteWorkflowExecution(
      io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionRequest request,
      StreamObserver<io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionResponse> observer) {
    Calls.unary(engine, observer, () -> engine.workflows().delete(request),
        io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionResponse.getDefaultInstance());
  }

  @Override
  public void updateWorkflowExecutionOptions(
      io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionOptionsRequest request,
      StreamObserver<io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionOptionsResponse> observer) {
    Calls.unary(engine, observer, () -> engine.workflows().updateOptions(request));
  }
}
