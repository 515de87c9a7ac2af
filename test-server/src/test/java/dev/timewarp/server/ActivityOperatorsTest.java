package dev.timewarp.server;

import static dev.timewarp.server.RpcChecks.appFailure;
import static dev.timewarp.server.RpcChecks.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.*;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pause, unpause and reset of workflow activities (spec §11), over raw RPCs. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ActivityOperatorsTest {
  private final TimewarpServer server = TimewarpServer.start();
  private final WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc = WorkflowServiceGrpc.newBlockingStub(server.channel());

  @AfterEach
  void close() {
    server.close();
  }

  private PollActivityTaskQueueResponse started(RawWorkflow workflow, int maxAttempts, long startToCloseSeconds) {
    workflow.complete(workflow.pollWorkflowTask(), RawWorkflow.schedule(RawWorkflow.activity("a1")
        .setRetryPolicy(RawWorkflow.maxAttempts(maxAttempts))
        .setStartToCloseTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(startToCloseSeconds))));
    return workflow.pollActivityTask();
  }

  private PendingActivityInfo pending(RawWorkflow workflow) {
    return rpc.describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setExecution(workflow.execution()).build()).getPendingActivities(0);
  }

  private void pause(RawWorkflow workflow, String requestId) {
    rpc.pauseActivity(PauseActivityRequest.newBuilder().setNamespace("default").setExecution(workflow.execution())
        .setId("a1").setIdentity("operator").setReason("investigating").setRequestId(requestId).build());
  }

  private void unpause(RawWorkflow workflow) {
    rpc.unpauseActivity(UnpauseActivityRequest.newBuilder().setNamespace("default").setExecution(workflow.execution())
        .setId("a1").build());
  }



  @Test
  void requestsNameWhatIsWrong() {
    RawWorkflow workflow = new RawWorkflow(server, "errors");
    started(workflow, 1, 60);
    assertStatus(() -> rpc.pauseActivity(PauseActivityRequest.newBuilder().setNamespace("default").setId("a1").build()),
        Status.Code.INVALID_ARGUMENT, "WorkflowId is not set on request.");
    assertStatus(() -> rpc.pauseActivity(PauseActivityRequest.newBuilder().setNamespace("default").setExecution(workflow.execution()).build()),
        Status.Code.INVALID_ARGUMENT, "Either Activity.Id or Activity.Type should be set on request.");
    assertStatus(() -> rpc.pauseActivity(PauseActivityRequest.newBuilder().setNamespace("default").setExecution(workflow.execution()).setId("nope").build()),
        Status.Code.NOT_FOUND, "Can't find pending activity with such ID. Invalid activityID or activity already completed");
    pause(workflow, "r1");
    pause(workflow, "r1"); // the same request again is fine
    assertStatus(() -> pause(workflow, "r2"), Status.Code.FAILED_PRECONDITION, "activity is already paused");
    rpc.terminateWorkflowExecution(TerminateWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowExecution(workflow.execution()).build());
    assertStatus(() -> unpause(workflow), Status.Code.NOT_FOUND, "workflow execution already completed");
  }

  @Test
  void pausedDuringBackoffNothingIsDispatchedUntilUnpaused() {
    RawWorkflow workflow = new RawWorkflow(server, "backoff");
    PollActivityTaskQueueResponse first = started(workflow, 5, 60);
    TimeLock hold = server.clock().lock(); // stay inside the 1 s backoff while we pause
    rpc.respondActivityTaskFailed(RespondActivityTaskFailedRequest.newBuilder().setNamespace("default")
        .setTaskToken(first.getTaskToken()).setFailure(appFailure("boom")).build());
    pause(workflow, "p");
    hold.close();

    PendingActivityInfo paused = pending(workflow);
    assertThat(paused.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_PAUSED);
    assertThat(paused.getPaused()).isTrue();
    assertThat(paused.getPauseInfo().getManual().getReason()).isEqualTo("investigating");
    assertThat(paused.getAttempt()).isEqualTo(2);
    assertThat(paused.hasNextAttemptScheduleTime()).isFalse();
    assertThat(workflow.rpc.withDeadlineAfter(3, TimeUnit.SECONDS).pollActivityTaskQueue(PollActivityTaskQueueRequest.newBuilder()
        .setNamespace("default").setTaskQueue(io.temporal.api.taskqueue.v1.TaskQueue.newBuilder().setName(RawWorkflow.QUEUE)).build())
        .getTaskToken().isEmpty()).as("no dispatch while paused").isTrue();

    unpause(workflow);

    PollActivityTaskQueueResponse second = workflow.pollActivityTask();
    assertThat(second.getAttempt()).isEqualTo(2);
    assertThat(pending(workflow).getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
  }

  @Test
  void aRunningAttemptLearnsOfThePauseAndAFailureWaitsPaused() {
    RawWorkflow workflow = new RawWorkflow(server, "running");
    PollActivityTaskQueueResponse task = started(workflow, 5, 60);
    pause(workflow, "p");

    var heartbeat = rpc.recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).build());
    assertThat(heartbeat.getActivityPaused()).isTrue();
    assertThat(heartbeat.getCancelRequested()).isFalse();
    assertThat(pending(workflow).getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED);

    rpc.respondActivityTaskFailed(RespondActivityTaskFailedRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).setFailure(appFailure("paused underneath")).build());
    PendingActivityInfo waiting = pending(workflow);
    assertThat(waiting.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_PAUSED);
    assertThat(waiting.getAttempt()).isEqualTo(2);

    unpause(workflow);
    assertThat(workflow.pollActivityTask().getAttempt()).isEqualTo(2);
  }

  @Test
  void aDeadlineThatPassedWhilePausedFiresOnUnpause() {
    RawWorkflow workflow = new RawWorkflow(server, "overdue");
    started(workflow, 1, 10);
    pause(workflow, "p");

    server.clock().advance(Duration.ofMinutes(5)); // far past the 10 s start-to-close: nothing fires while paused
    assertThat(pending(workflow).getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED);
    assertThat(workflow.types()).doesNotContain("ACTIVITY_TASK_TIMED_OUT");

    unpause(workflow);

    workflow.pollWorkflowTask(); // the timeout wakes the workflow
    var timedOut = workflow.event("ACTIVITY_TASK_TIMED_OUT").getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getFailure().getTimeoutFailureInfo().getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    assertThat(timedOut.getRetryState()).isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
  }

  @Test
  void resetStartsOverAtAttemptOneAndTellsTheRunningWorker() {
    RawWorkflow workflow = new RawWorkflow(server, "reset");
    PollActivityTaskQueueResponse first = started(workflow, 5, 60);
    TimeLock hold = server.clock().lock();
    rpc.respondActivityTaskFailed(RespondActivityTaskFailedRequest.newBuilder().setNamespace("default")
        .setTaskToken(first.getTaskToken()).setFailure(appFailure("once")).build());
    hold.close();
    PollActivityTaskQueueResponse second = workflow.pollActivityTask();
    assertThat(second.getAttempt()).isEqualTo(2);

    rpc.resetActivity(ResetActivityRequest.newBuilder().setNamespace("default").setExecution(workflow.execution())
        .setType("Charge").build());

    assertThat(pending(workflow).getAttempt()).isEqualTo(1);
    // attempt 2's token no longer names the current attempt: the real server refuses it the same way
    assertStatus(() -> rpc.recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder().setNamespace("default")
            .setTaskToken(second.getTaskToken()).build()),
        Status.Code.NOT_FOUND, "invalid activityID or activity already timed out or invoking workflow is completed");
    var byId = rpc.recordActivityTaskHeartbeatById(RecordActivityTaskHeartbeatByIdRequest.newBuilder().setNamespace("default")
        .setWorkflowId("reset").setActivityId("a1").build());
    assertThat(byId.getActivityReset()).isTrue();
  }

  private UpdateActivityOptionsRequest.Builder update(RawWorkflow workflow) {
    return UpdateActivityOptionsRequest.newBuilder().setNamespace("default").setExecution(workflow.execution()).setId("a1");
  }

  @Test
  void updateOptionsValidatesLikeSchedulingAndChangesNothingOnError() {
    RawWorkflow workflow = new RawWorkflow(server, "update-errors");
    started(workflow, 1, 60);
    com.google.protobuf.FieldMask mask = com.google.protobuf.FieldMask.newBuilder().addPaths("start_to_close_timeout").build();
    io.temporal.api.activity.v1.ActivityOptions negative = io.temporal.api.activity.v1.ActivityOptions.newBuilder()
        .setStartToCloseTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(-5)).build();

    assertStatus(() -> rpc.updateActivityOptions(update(workflow).setUpdateMask(mask).setRestoreOriginal(true).build()),
        Status.Code.INVALID_ARGUMENT, "Both UpdateMask and RestoreOriginal are provided");
    assertStatus(() -> rpc.updateActivityOptions(update(workflow).setUpdateMask(mask).build()),
        Status.Code.INVALID_ARGUMENT, "ActivityOptions are not provided");
    assertStatus(() -> rpc.updateActivityOptions(update(workflow).setActivityOptions(negative).build()),
        Status.Code.INVALID_ARGUMENT, "UpdateMask is not provided");
    assertStatus(() -> rpc.updateActivityOptions(update(workflow).setActivityOptions(negative).setUpdateMask(mask).build()),
        Status.Code.INVALID_ARGUMENT, "invalid StartToCloseTimeout: negative duration");
    assertThat(pending(workflow).getActivityOptions().getStartToCloseTimeout().getSeconds()).isEqualTo(60);
  }

  @Test
  void aShorterStartToCloseMovesTheRunningAttemptsDeadline() {
    RawWorkflow workflow = new RawWorkflow(server, "update-running");
    started(workflow, 1, 3600);

    var response = rpc.updateActivityOptions(update(workflow)
        .setActivityOptions(io.temporal.api.activity.v1.ActivityOptions.newBuilder()
            .setStartToCloseTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(10)))
        .setUpdateMask(com.google.protobuf.FieldMask.newBuilder().addPaths("start_to_close_timeout"))
        .build());
    assertThat(response.getActivityOptions().getStartToCloseTimeout().getSeconds()).isEqualTo(10);
    assertThat(pending(workflow).getActivityOptions().getStartToCloseTimeout().getSeconds()).isEqualTo(10);

    server.clock().advance(Duration.ofSeconds(30)); // the worker never answers: the new 10 s deadline passes

    var timedOut = workflow.event("ACTIVITY_TASK_TIMED_OUT").getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getFailure().getTimeoutFailureInfo().getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
  }

  @Test
  void restoreOriginalPutsTheScheduledOptionsBack() {
    RawWorkflow workflow = new RawWorkflow(server, "update-restore");
    started(workflow, 3, 60);
    rpc.updateActivityOptions(update(workflow)
        .setActivityOptions(io.temporal.api.activity.v1.ActivityOptions.newBuilder()
            .setRetryPolicy(io.temporal.api.common.v1.RetryPolicy.newBuilder().setMaximumAttempts(9)))
        .setUpdateMask(com.google.protobuf.FieldMask.newBuilder().addPaths("retry_policy.maximum_attempts"))
        .build());
    assertThat(pending(workflow).getMaximumAttempts()).isEqualTo(9);

    var restored = rpc.updateActivityOptions(update(workflow).setRestoreOriginal(true).build());

    assertThat(restored.getActivityOptions().getRetryPolicy().getMaximumAttempts()).isEqualTo(3);
    assertThat(pending(workflow).getMaximumAttempts()).isEqualTo(3);
  }

  @Test
  void theActivityExecutionFormsActOnWorkflowActivitiesWhenAWorkflowIdIsGiven() {
    RawWorkflow workflow = new RawWorkflow(server, "execution-forms");
    started(workflow, 1, 60);

    rpc.pauseActivityExecution(PauseActivityExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowId("execution-forms").setActivityId("a1").setReason("via execution API").build());
    assertThat(pending(workflow).getPaused()).isTrue();
    assertThat(pending(workflow).getPauseInfo().getManual().getReason()).isEqualTo("via execution API");
    rpc.unpauseActivityExecution(UnpauseActivityExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowId("execution-forms").setActivityId("a1").build());
    assertThat(pending(workflow).getPaused()).isFalse();

    assertStatus(() -> rpc.pauseActivityExecution(PauseActivityExecutionRequest.newBuilder().setNamespace("default")
            .setActivityId("standalone-1").build()),
        Status.Code.NOT_FOUND, "activity execution not found: standalone-1"); // no workflow id: a standalone activity
  }
}
