package dev.timewarp.server;

import static dev.timewarp.server.RpcChecks.appFailure;
import static dev.timewarp.server.RpcChecks.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.ServerFailureInfo;
import io.temporal.api.workflowservice.v1.*;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Worker-facing activity RPCs by hand: eager starts, size limits, stale and invalid requests. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ActivityRpcTest {
  private static final int OVER_LIMIT = 2 * 1024 * 1024 + 1;
  private final TimewarpServer server = TimewarpServer.start();
  private final WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc = WorkflowServiceGrpc.newBlockingStub(server.channel());

  @AfterEach
  void close() {
    server.close();
  }



  /** Schedules one activity and returns its polled task. */
  private PollActivityTaskQueueResponse started(RawWorkflow workflow, int maxAttempts) {
    workflow.complete(workflow.pollWorkflowTask(),
        RawWorkflow.schedule(RawWorkflow.activity("a1").setRetryPolicy(RawWorkflow.maxAttempts(maxAttempts))));
    return workflow.pollActivityTask();
  }

  @Test
  void eagerExecutionHandsTheTaskBackInTheCompletion() {
    RawWorkflow workflow = new RawWorkflow(server, "eager");
    RespondWorkflowTaskCompletedResponse response = workflow.complete(workflow.pollWorkflowTask(),
        RawWorkflow.schedule(RawWorkflow.activity("a1").setRequestEagerExecution(true)
            .setScheduleToStartTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))));

    assertThat(response.getActivityTasksList()).hasSize(1);
    PollActivityTaskQueueResponse task = response.getActivityTasks(0);
    assertThat(task.getAttempt()).isEqualTo(1);
    assertThat(task.getActivityId()).isEqualTo("a1");
    assertThat(task.getScheduledTime()).isEqualTo(task.getCurrentAttemptScheduledTime());
    rpc.respondActivityTaskCompleted(RespondActivityTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).setResult(RawWorkflow.text("ok")).setIdentity("raw-worker").build());

    var started = workflow.event("ACTIVITY_TASK_STARTED").getActivityTaskStartedEventAttributes();
    assertThat(started.getIdentity()).isEqualTo("raw-worker");
    assertThat(workflow.types()).endsWith("ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_COMPLETED", "WORKFLOW_TASK_SCHEDULED");
  }

  @Test
  void oversizeHeartbeatFailsTheActivityAndAsksTheWorkerToStop() {
    RawWorkflow workflow = new RawWorkflow(server, "big-heartbeat");
    PollActivityTaskQueueResponse task = started(workflow, 5);

    var response = rpc.recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).setDetails(RawWorkflow.payload(OVER_LIMIT)).build());

    assertThat(response.getCancelRequested()).isTrue();
    var failed = workflow.event("ACTIVITY_TASK_FAILED").getActivityTaskFailedEventAttributes();
    assertThat(failed.getFailure().getMessage()).isEqualTo("Heartbeat details exceed size limit.");
    assertThat(failed.getFailure().getServerFailureInfo().getNonRetryable()).isTrue();
    assertThat(failed.getRetryState()).isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
  }

  @Test
  void oversizeResultFailsTheActivity() {
    RawWorkflow workflow = new RawWorkflow(server, "big-result");
    PollActivityTaskQueueResponse task = started(workflow, 5);

    rpc.respondActivityTaskCompleted(RespondActivityTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).setResult(RawWorkflow.payload(OVER_LIMIT)).build());

    var failed = workflow.event("ACTIVITY_TASK_FAILED").getActivityTaskFailedEventAttributes();
    assertThat(failed.getFailure().getMessage()).isEqualTo("Complete result exceeds size limit.");
    assertThat(failed.getRetryState()).isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
  }

  @Test
  void oversizeFailureIsReplacedAndReported() {
    RawWorkflow workflow = new RawWorkflow(server, "big-failure");
    PollActivityTaskQueueResponse task = started(workflow, 5);
    Failure huge = appFailure("x".repeat(OVER_LIMIT));

    var response = rpc.respondActivityTaskFailed(RespondActivityTaskFailedRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).setFailure(huge).build());

    assertThat(response.getFailuresList()).extracting(Failure::getMessage).containsExactly("Failure exceeds size limit.");
    var failed = workflow.event("ACTIVITY_TASK_FAILED").getActivityTaskFailedEventAttributes();
    assertThat(failed.getFailure().getMessage()).isEqualTo("Failure exceeds size limit.");
    assertThat(failed.getFailure().getCause().getApplicationFailureInfo().getType()).isEqualTo("Boom");
    assertThat(failed.getRetryState()).isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
  }

  @Test
  void oversizeInputFailsTheWorkflowTaskAndTerminatesTheWorkflow() {
    RawWorkflow workflow = new RawWorkflow(server, "big-input");
    PollWorkflowTaskQueueResponse task = workflow.pollWorkflowTask();
    assertStatus(
        () -> workflow.complete(task, RawWorkflow.schedule(RawWorkflow.activity("a1").setInput(RawWorkflow.payload(OVER_LIMIT)))),
        Status.Code.INVALID_ARGUMENT,
        "BadScheduleActivityAttributes: ScheduleActivityTaskCommandAttributes.Input exceeds size limit.");

    assertThat(workflow.types()).containsExactly("WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED",
        "WORKFLOW_TASK_STARTED", "WORKFLOW_TASK_FAILED", "WORKFLOW_EXECUTION_TERMINATED");
    assertThat(workflow.event("WORKFLOW_TASK_FAILED").getWorkflowTaskFailedEventAttributes().getCause())
        .isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES);
  }

  @Test
  void staleTokenOfAnEarlierAttemptIsNotFound() {
    RawWorkflow workflow = new RawWorkflow(server, "stale");
    PollActivityTaskQueueResponse first = started(workflow, 3);
    rpc.respondActivityTaskFailed(RespondActivityTaskFailedRequest.newBuilder().setNamespace("default")
        .setTaskToken(first.getTaskToken()).setFailure(appFailure("retry me")).build());

    // during the backoff, and after attempt 2 started, attempt 1's token is stale
    assertStatus(() -> rpc.recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder().setNamespace("default")
        .setTaskToken(first.getTaskToken()).build()), Status.Code.NOT_FOUND,
        "invalid activityID or activity already timed out or invoking workflow is completed");
    PollActivityTaskQueueResponse second = workflow.pollActivityTask();
    assertThat(second.getAttempt()).isEqualTo(2);
    assertThat(second.getCurrentAttemptScheduledTime().getSeconds() - second.getScheduledTime().getSeconds())
        .isGreaterThanOrEqualTo(1);
    assertStatus(() -> rpc.respondActivityTaskCompleted(RespondActivityTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(first.getTaskToken()).build()), Status.Code.NOT_FOUND,
        "invalid activityID or activity already timed out or invoking workflow is completed");
    // the live token still works
    rpc.respondActivityTaskCompleted(RespondActivityTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(second.getTaskToken()).build());
    var started = workflow.event("ACTIVITY_TASK_STARTED").getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(2);
    assertThat(started.getLastFailure().getMessage()).isEqualTo("retry me");
  }

  @Test
  void canceledWithoutARequestIsInvalidAndChangesNothing() {
    RawWorkflow workflow = new RawWorkflow(server, "not-cancelled");
    PollActivityTaskQueueResponse task = started(workflow, 1);
    int before = workflow.history().size();

    assertStatus(() -> rpc.respondActivityTaskCanceled(RespondActivityTaskCanceledRequest.newBuilder().setNamespace("default")
            .setTaskToken(task.getTaskToken()).build()), Status.Code.INVALID_ARGUMENT,
        "unable to mark activity as canceled without activity being request canceled first");

    assertThat(workflow.history()).hasSize(before);
    rpc.recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).build()); // still running
  }

  @Test
  void failureWithoutApplicationInfoIsInvalid() {
    RawWorkflow workflow = new RawWorkflow(server, "server-failure");
    PollActivityTaskQueueResponse task = started(workflow, 1);
    assertStatus(() -> rpc.respondActivityTaskFailed(RespondActivityTaskFailedRequest.newBuilder().setNamespace("default")
            .setTaskToken(task.getTaskToken())
            .setFailure(Failure.newBuilder().setMessage("x").setServerFailureInfo(ServerFailureInfo.getDefaultInstance())).build()),
        Status.Code.INVALID_ARGUMENT, "Failure must have ApplicationFailureInfo.");
  }

  @Test
  void byIdRequestsNameWhatIsMissing() {
    RawWorkflow workflow = new RawWorkflow(server, "by-id");
    started(workflow, 1);
    assertStatus(() -> rpc.recordActivityTaskHeartbeatById(RecordActivityTaskHeartbeatByIdRequest.newBuilder()
        .setNamespace("default").setWorkflowId("by-id").build()), Status.Code.INVALID_ARGUMENT, "ActivityId is not set on request.");
    assertStatus(() -> rpc.recordActivityTaskHeartbeatById(RecordActivityTaskHeartbeatByIdRequest.newBuilder()
        .setNamespace("default").setActivityId("a1").build()), Status.Code.NOT_FOUND, "activity task not found"); // no workflow id: a standalone activity
    assertStatus(() -> rpc.respondActivityTaskCompletedById(RespondActivityTaskCompletedByIdRequest.newBuilder()
        .setNamespace("default").setWorkflowId("by-id").setActivityId("nope").build()), Status.Code.NOT_FOUND,
        "cannot find pending activity with ActivityID nope, check workflow execution history for more details");
    var heartbeat = rpc.recordActivityTaskHeartbeatById(RecordActivityTaskHeartbeatByIdRequest.newBuilder()
        .setNamespace("default").setWorkflowId("by-id").setActivityId("a1").setDetails(RawWorkflow.text("half")).build());
    assertThat(heartbeat.getCancelRequested()).isFalse();
  }

  @Test
  void callsAfterTheWorkflowClosedAreNotFound() {
    RawWorkflow workflow = new RawWorkflow(server, "closed");
    PollActivityTaskQueueResponse task = started(workflow, 1);
    rpc.terminateWorkflowExecution(TerminateWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowExecution(workflow.execution()).build());
    assertStatus(() -> rpc.recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).build()), Status.Code.NOT_FOUND, "workflow execution already completed");
  }

  @Test
  void completeByIdBeforeAnyPollFabricatesTheStart() {
    RawWorkflow workflow = new RawWorkflow(server, "force");
    workflow.complete(workflow.pollWorkflowTask(), RawWorkflow.schedule(RawWorkflow.activity("a1")));
    rpc.respondActivityTaskCompletedById(RespondActivityTaskCompletedByIdRequest.newBuilder().setNamespace("default")
        .setWorkflowId("force").setActivityId("a1").setIdentity("approver").setResult(RawWorkflow.text("yes")).build());

    assertThat(workflow.types()).endsWith("ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_COMPLETED", "WORKFLOW_TASK_SCHEDULED");
    var started = workflow.event("ACTIVITY_TASK_STARTED").getActivityTaskStartedEventAttributes();
    assertThat(started.getIdentity()).isEqualTo("approver");
    assertThat(started.getAttempt()).isEqualTo(1);
    // and the queued task is never delivered now
    assertThat(workflow.rpc.withDeadlineAfter(3, TimeUnit.SECONDS).pollActivityTaskQueue(PollActivityTaskQueueRequest.newBuilder()
        .setNamespace("default").setTaskQueue(io.temporal.api.taskqueue.v1.TaskQueue.newBuilder().setName(RawWorkflow.QUEUE)).build())
        .getTaskToken().isEmpty()).isTrue();
  }

  @Test
  void cancelBeforeStartIsImmediateWithNotStartedDetails() {
    RawWorkflow workflow = new RawWorkflow(server, "cancel-early");
    workflow.complete(workflow.pollWorkflowTask(), RawWorkflow.schedule(RawWorkflow.activity("a1")));
    long scheduledId = workflow.event("ACTIVITY_TASK_SCHEDULED").getEventId();
    workflow.complete(workflow.pollWorkflowTaskAfterSignal(), RawWorkflow.cancel(scheduledId));

    assertThat(workflow.types()).endsWith("ACTIVITY_TASK_CANCEL_REQUESTED", "ACTIVITY_TASK_CANCELED", "WORKFLOW_TASK_SCHEDULED");
    var canceled = workflow.event("ACTIVITY_TASK_CANCELED").getActivityTaskCanceledEventAttributes();
    assertThat(canceled.getStartedEventId()).isZero();
    assertThat(canceled.getLatestCancelRequestedEventId()).isEqualTo(workflow.event("ACTIVITY_TASK_CANCEL_REQUESTED").getEventId());
    assertThat(canceled.getDetails().getPayloads(0).getData().toStringUtf8()).isEqualTo("\"ACTIVITY_ID_NOT_STARTED\"");
    assertThat(canceled.getIdentity()).isEqualTo("raw-worker");
  }

  @Test
  void secondCancelOfTheSameActivityFailsTheWorkflowTask() {
    RawWorkflow workflow = new RawWorkflow(server, "cancel-twice");
    workflow.complete(workflow.pollWorkflowTask(), RawWorkflow.schedule(RawWorkflow.activity("a1")));
    PollActivityTaskQueueResponse task = workflow.pollActivityTask();
    long scheduledId = workflow.event("ACTIVITY_TASK_SCHEDULED").getEventId();
    workflow.complete(workflow.pollWorkflowTaskAfterSignal(), RawWorkflow.cancel(scheduledId));
    assertThat(rpc.recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).build()).getCancelRequested()).isTrue();

    PollWorkflowTaskQueueResponse next = workflow.pollWorkflowTaskAfterSignal();
    assertThatThrownBy(() -> workflow.complete(next, RawWorkflow.cancel(scheduledId)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
            .startsWith("BadRequestCancelActivityAttributes: invalid history builder state"));
    assertThat(workflow.event("WORKFLOW_TASK_FAILED").getWorkflowTaskFailedEventAttributes().getCause())
        .isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES);
    // the worker's failure after the cancel request does not retry
    rpc.respondActivityTaskFailed(RespondActivityTaskFailedRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).setFailure(appFailure("stopped")).build());
    assertThat(workflow.event("ACTIVITY_TASK_FAILED").getActivityTaskFailedEventAttributes().getRetryState())
        .isEqualTo(RetryState.RETRY_STATE_CANCEL_REQUESTED);
  }

  @Test
  void cancelOfAnActivityThatFinishedDuringTheTaskIsAcceptedAndNothingWedges() {
    RawWorkflow workflow = new RawWorkflow(server, "raced");
    workflow.complete(workflow.pollWorkflowTask(), RawWorkflow.schedule(RawWorkflow.activity("a1")));
    PollActivityTaskQueueResponse task = workflow.pollActivityTask();
    long scheduledId = workflow.event("ACTIVITY_TASK_SCHEDULED").getEventId();
    PollWorkflowTaskQueueResponse deciding = workflow.pollWorkflowTaskAfterSignal();
    // the activity completes while the workflow task that will cancel it is running
    rpc.respondActivityTaskCompleted(RespondActivityTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).setResult(RawWorkflow.text("done")).build());

    workflow.complete(deciding, RawWorkflow.cancel(scheduledId));

    assertThat(workflow.types()).endsWith("WORKFLOW_TASK_COMPLETED", "ACTIVITY_TASK_CANCEL_REQUESTED",
        "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_COMPLETED", "WORKFLOW_TASK_SCHEDULED");
    workflow.complete(workflow.pollWorkflowTask(), RawWorkflow.completeWorkflow());
    assertThat(workflow.types()).last().isEqualTo("WORKFLOW_EXECUTION_COMPLETED");
    server.clock().awaitIdle(java.time.Duration.ofSeconds(5));
  }
}
