package dev.timewarp.server;

import static dev.timewarp.server.RpcChecks.appFailure;
import static dev.timewarp.server.RpcChecks.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.activity.v1.ActivityExecutionInfo;
import io.temporal.api.activity.v1.ActivityOptions;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.ActivityExecutionStatus;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.*;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pause, unpause, reset, option updates and delete of standalone activities (no workflow id), and
 * the standalone retry rule that a retry must start strictly before the schedule-to-close deadline
 * (§11, §12.2, §12.3).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StandaloneOperatorCommandsTest {
  static final String NOT_ENOUGH_TIME =
      "Not enough time to schedule next retry before activity ScheduleToClose timeout, giving up retrying";

  // MANUAL: backoffs and deadlines only pass when the test advances time
  private final TimewarpServer server = TimewarpServer.start(ServerOptions.builder().timeSkipping(TimeSkipping.MANUAL).build());
  private final WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc = WorkflowServiceGrpc.newBlockingStub(server.channel());

  @AfterEach
  void close() {
    server.close();
  }

  private static com.google.protobuf.Duration seconds(long s) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(s).build();
  }

  private static Instant instant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** Each test activity gets a queue of its own, so a poll can only find that activity. */
  private StartActivityExecutionRequest.Builder start(String id) {
    return StartActivityExecutionRequest.newBuilder().setNamespace("default").setActivityId(id).setRequestId(UUID.randomUUID().toString())
        .setActivityType(ActivityType.newBuilder().setName("Export")).setTaskQueue(TaskQueue.newBuilder().setName("q-" + id))
        .setStartToCloseTimeout(seconds(60));
  }

  private PollActivityTaskQueueResponse pollOnce(String id, long deadlineSeconds) {
    return rpc.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS).pollActivityTaskQueue(PollActivityTaskQueueRequest.newBuilder()
        .setNamespace("default").setIdentity("w").setTaskQueue(TaskQueue.newBuilder().setName("q-" + id)).build());
  }

  private PollActivityTaskQueueResponse poll(String id) {
    PollActivityTaskQueueResponse task = pollOnce(id, 10);
    assertThat(task.getTaskToken()).as("a task of %s was dispatched", id).isNotEmpty();
    return task;
  }

  /** A short poll that must come back empty (the server answers just before the 3 s deadline). */
  private void assertNothingDispatched(String id) {
    assertThat(pollOnce(id, 3).getTaskToken()).as("no task of %s is dispatched", id).isEmpty();
  }

  private ActivityExecutionInfo info(String id) {
    return rpc.describeActivityExecution(DescribeActivityExecutionRequest.newBuilder().setNamespace("default")
        .setActivityId(id).build()).getInfo();
  }

  private DescribeActivityExecutionResponse describeWithOutcome(String id) {
    return rpc.describeActivityExecution(DescribeActivityExecutionRequest.newBuilder().setNamespace("default")
        .setActivityId(id).setIncludeOutcome(true).setIncludeLastFailure(true).build());
  }

  private void pause(String id, String requestId) {
    rpc.pauseActivityExecution(PauseActivityExecutionRequest.newBuilder().setNamespace("default").setActivityId(id)
        .setRequestId(requestId).setIdentity("operator").setReason("investigating").build());
  }

  private void unpause(String id) {
    rpc.unpauseActivityExecution(UnpauseActivityExecutionRequest.newBuilder().setNamespace("default").setActivityId(id).build());
  }

  private void reset(String id, boolean keepPaused) {
    rpc.resetActivityExecution(ResetActivityExecutionRequest.newBuilder().setNamespace("default").setActivityId(id)
        .setKeepPaused(keepPaused).build());
  }

  private UpdateActivityExecutionOptionsRequest.Builder update(String id) {
    return UpdateActivityExecutionOptionsRequest.newBuilder().setNamespace("default").setActivityId(id);
  }

  private static UpdateActivityExecutionOptionsRequest.Builder startToClose(UpdateActivityExecutionOptionsRequest.Builder update, long s) {
    return update.setActivityOptions(ActivityOptions.newBuilder().setStartToCloseTimeout(seconds(s)))
        .setUpdateMask(com.google.protobuf.FieldMask.newBuilder().addPaths("start_to_close_timeout"));
  }

  private static void assertFailedPrecondition(Runnable call, String mentioning) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(e.getStatus().getDescription()).contains(mentioning);
    });
  }

  // ---- pause and unpause ------------------------------------------------------------------------

  @Test
  void aQueuedActivityPausesAndIsNotDispatched() {
    rpc.startActivityExecution(start("queued").build());

    pause("queued", "p1");
    pause("queued", "p1"); // the same request again is fine

    ActivityExecutionInfo paused = info("queued");
    assertThat(paused.getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_PAUSED);
    assertThat(paused.getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_PAUSED);
    assertStatus(() -> pause("queued", "p2"), Status.Code.FAILED_PRECONDITION,
        "activity is in non-pausable state ACTIVITY_EXECUTION_STATUS_PAUSED");
    assertNothingDispatched("queued");
  }

  @Test
  void aRunningActivityIsOnlyAskedToPause() {
    rpc.startActivityExecution(start("running").build());
    PollActivityTaskQueueResponse task = poll("running");

    pause("running", "p1");

    ActivityExecutionInfo info = info("running");
    assertThat(info.getStatus()).as("the attempt carries on").isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING);
    assertThat(info.getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED);
    RecordActivityTaskHeartbeatResponse heartbeat = rpc.recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder()
        .setNamespace("default").setTaskToken(task.getTaskToken()).build());
    assertThat(heartbeat.getActivityPaused()).isTrue();
    assertThat(heartbeat.getCancelRequested()).isFalse();
    assertStatus(() -> pause("running", "p2"), Status.Code.FAILED_PRECONDITION,
        "activity is in non-pausable state ACTIVITY_EXECUTION_STATUS_PAUSE_REQUESTED");
  }

  @Test
  void unpauseOfAnActivityThatIsNotPausedIsRefused() {
    rpc.startActivityExecution(start("not-paused").build());

    assertStatus(() -> unpause("not-paused"), Status.Code.FAILED_PRECONDITION,
        "activity is in non-unpausable state ACTIVITY_EXECUTION_STATUS_SCHEDULED");
  }

  @Test
  void unpauseDispatchesTheTaskAgain() {
    rpc.startActivityExecution(start("resume").build());
    pause("resume", "p1");
    assertNothingDispatched("resume");

    unpause("resume");

    PollActivityTaskQueueResponse task = poll("resume");
    assertThat(task.getAttempt()).isEqualTo(1);
    assertThat(task.getActivityRunId()).isEqualTo(info("resume").getRunId());
    assertThat(info("resume").getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
  }

  // ---- reset ------------------------------------------------------------------------------------

  @Test
  void resetGoesBackToAttemptOneAndKeepPausedHoldsIt() {
    rpc.startActivityExecution(start("reset").setRetryPolicy(RetryPolicy.newBuilder()
        .setInitialInterval(seconds(3600)).setMaximumAttempts(5)).build());
    rpc.respondActivityTaskFailed(RespondActivityTaskFailedRequest.newBuilder().setNamespace("default")
        .setTaskToken(poll("reset").getTaskToken()).setFailure(appFailure("once")).build());
    assertThat(info("reset").getAttempt()).isEqualTo(2); // backing off for an hour
    pause("reset", "p1");

    reset("reset", true);

    ActivityExecutionInfo kept = info("reset");
    assertThat(kept.getAttempt()).isEqualTo(1);
    assertThat(kept.getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_PAUSED);
    assertNothingDispatched("reset");

    reset("reset", false); // unpauses and dispatches attempt 1 now, not after the hour

    PollActivityTaskQueueResponse again = poll("reset");
    assertThat(again.getAttempt()).isEqualTo(1);
  }

  @Test
  void resetOfARunningAttemptIsAnnouncedOnItsHeartbeat() {
    rpc.startActivityExecution(start("reset-running").setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(5)).build());
    PollActivityTaskQueueResponse task = poll("reset-running");

    reset("reset-running", false);

    RecordActivityTaskHeartbeatResponse heartbeat = rpc.recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder()
        .setNamespace("default").setTaskToken(task.getTaskToken()).build());
    assertThat(heartbeat.getActivityReset()).isTrue();
    assertThat(info("reset-running").getAttempt()).isEqualTo(1);
    assertThat(info("reset-running").getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING);
  }

  // ---- update options ---------------------------------------------------------------------------

  @Test
  void aShorterStartToCloseMovesTheRunningAttemptsDeadline() {
    rpc.startActivityExecution(start("shorter").setStartToCloseTimeout(seconds(3600))
        .setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(1)).build());
    poll("shorter");

    UpdateActivityExecutionOptionsResponse response = rpc.updateActivityExecutionOptions(startToClose(update("shorter"), 10).build());

    assertThat(response.getActivityOptions().getStartToCloseTimeout().getSeconds()).isEqualTo(10);
    assertThat(info("shorter").getStartToCloseTimeout().getSeconds()).isEqualTo(10);

    server.clock().advance(Duration.ofSeconds(30)); // the worker never answers: the new 10 s deadline passes

    DescribeActivityExecutionResponse timedOut = describeWithOutcome("shorter");
    assertThat(timedOut.getInfo().getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TIMED_OUT);
    assertThat(timedOut.getOutcome().getFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
  }

  @Test
  void updateOptionsNamesWhatIsWrongAndRefusesClosedActivities() {
    rpc.startActivityExecution(start("update").build());
    com.google.protobuf.FieldMask mask = com.google.protobuf.FieldMask.newBuilder().addPaths("start_to_close_timeout").build();

    assertStatus(() -> rpc.updateActivityExecutionOptions(update("update").setUpdateMask(mask).setRestoreOriginal(true).build()),
        Status.Code.INVALID_ARGUMENT, "Both UpdateMask and RestoreOriginal are provided");
    assertStatus(() -> rpc.updateActivityExecutionOptions(update("update").setUpdateMask(mask).build()),
        Status.Code.INVALID_ARGUMENT, "ActivityOptions are not provided");
    assertStatus(() -> rpc.updateActivityExecutionOptions(update("update")
            .setActivityOptions(ActivityOptions.newBuilder().setStartToCloseTimeout(seconds(5))).build()),
        Status.Code.INVALID_ARGUMENT, "UpdateMask is not provided");
    assertThat(info("update").getStartToCloseTimeout().getSeconds()).as("unchanged").isEqualTo(60);

    rpc.respondActivityTaskCompleted(RespondActivityTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(poll("update").getTaskToken()).build());
    assertStatus(() -> rpc.updateActivityExecutionOptions(startToClose(update("update"), 5).build()),
        Status.Code.FAILED_PRECONDITION, "Cannot update options for activity in state ACTIVITY_EXECUTION_STATUS_COMPLETED");
  }

  @Test
  void operatorCommandsOnATerminatedRunAreRefused() {
    rpc.startActivityExecution(start("gone").build());
    poll("gone");
    rpc.terminateActivityExecution(TerminateActivityExecutionRequest.newBuilder().setNamespace("default")
        .setActivityId("gone").setRequestId("t1").setReason("stop").build());

    assertFailedPrecondition(() -> pause("gone", "p1"), "TERMINATED");
    assertFailedPrecondition(() -> unpause("gone"), "TERMINATED");
    assertFailedPrecondition(() -> reset("gone", false), "TERMINATED");
    assertFailedPrecondition(() -> rpc.updateActivityExecutionOptions(startToClose(update("gone"), 5).build()), "TERMINATED");
    assertThat(info("gone").getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TERMINATED);
  }

  // ---- delete -----------------------------------------------------------------------------------

  @Test
  void deletingARunningActivityTerminatesAndForgetsIt() {
    rpc.startActivityExecution(start("delete").build());
    PollActivityTaskQueueResponse task = poll("delete");

    rpc.deleteActivityExecution(DeleteActivityExecutionRequest.newBuilder().setNamespace("default").setActivityId("delete").build());

    assertStatus(() -> info("delete"), Status.Code.NOT_FOUND, "activity execution not found: delete");
    // the worker is not told; its later completion finds nothing
    assertStatus(() -> rpc.respondActivityTaskCompleted(RespondActivityTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).build()), Status.Code.NOT_FOUND, "activity task not found");
  }

  // ---- the strict retry rule (§12.2) --------------------------------------------------------------

  /**
   * Schedule-to-close 30 s, start-to-close 10 s, retry interval 20 s: attempt 1 times out at 10 s
   * after its start and the retry would be due 20 s later, i.e. at the 30 s deadline (a hair after
   * it, as the attempt starts a moment after scheduling). A standalone activity must retry strictly
   * before the deadline, so it ends at once, as a ScheduleToClose timeout ("Not enough time").
   */
  @Test
  void aTimeoutWhoseRetryWouldStartAtTheDeadlineEndsTheActivity() {
    rpc.startActivityExecution(start("strict").setScheduleToCloseTimeout(seconds(30)).setStartToCloseTimeout(seconds(10))
        .setRetryPolicy(RetryPolicy.newBuilder().setInitialInterval(seconds(20)).setBackoffCoefficient(1)).build());
    Instant scheduled = instant(info("strict").getScheduleTime());
    poll("strict"); // and never answer

    server.clock().advance(Duration.ofSeconds(10));

    DescribeActivityExecutionResponse closed = describeWithOutcome("strict");
    assertThat(closed.getInfo().getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TIMED_OUT);
    assertThat(closed.getInfo().getAttempt()).as("no second attempt").isEqualTo(1);
    assertThat(instant(closed.getInfo().getCloseTime())).as("closed when start-to-close fired, not at the deadline")
        .isBefore(scheduled.plusSeconds(30));
    Failure failure = closed.getOutcome().getFailure();
    assertThat(failure.getTimeoutFailureInfo().getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE);
    assertThat(failure.getMessage()).isEqualTo(NOT_ENOUGH_TIME);
    assertThat(failure.hasCause()).as("attempt 1 had no earlier failure").isFalse();
  }

  /** The same with a retry due a second before the deadline: that one is still made. */
  @Test
  void aRetryDueJustBeforeTheDeadlineIsStillMade() {
    rpc.startActivityExecution(start("in-time").setScheduleToCloseTimeout(seconds(30)).setStartToCloseTimeout(seconds(10))
        .setRetryPolicy(RetryPolicy.newBuilder().setInitialInterval(seconds(19)).setBackoffCoefficient(1)).build());
    poll("in-time");

    server.clock().advance(Duration.ofSeconds(10));

    ActivityExecutionInfo backingOff = info("in-time");
    assertThat(backingOff.getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING);
    assertThat(backingOff.getAttempt()).isEqualTo(2);
    assertThat(instant(backingOff.getNextAttemptScheduleTime())).isBefore(instant(backingOff.getExpirationTime()));
  }

  /** A worker failure whose retry would be due at the deadline fails the activity with that failure (§5.1, §14.2). */
  @Test
  void aWorkerFailureWhoseRetryWouldStartAtTheDeadlineFailsTheActivity() {
    rpc.startActivityExecution(start("strict-fail").setScheduleToCloseTimeout(seconds(30))
        .setRetryPolicy(RetryPolicy.newBuilder().setInitialInterval(seconds(30)).setBackoffCoefficient(1)).build());

    rpc.respondActivityTaskFailed(RespondActivityTaskFailedRequest.newBuilder().setNamespace("default")
        .setTaskToken(poll("strict-fail").getTaskToken()).setFailure(appFailure("no luck")).build());

    DescribeActivityExecutionResponse closed = describeWithOutcome("strict-fail");
    assertThat(closed.getInfo().getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_FAILED);
    assertThat(closed.getInfo().getAttempt()).isEqualTo(1);
    assertThat(closed.getOutcome().getFailure().getMessage()).isEqualTo("no luck");
    assertThat(closed.getOutcome().getFailure().getApplicationFailureInfo().getType()).isEqualTo("Boom");
  }
}
