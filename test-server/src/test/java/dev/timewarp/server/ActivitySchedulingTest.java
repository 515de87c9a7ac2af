package dev.timewarp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import io.grpc.StatusRuntimeException;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.*;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ScheduleActivityTask: validation in the server's order, normalisation, limits (spec §2, §16). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ActivitySchedulingTest {
  private final TimewarpServer server = TimewarpServer.start();
  private final WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc = WorkflowServiceGrpc.newBlockingStub(server.channel());

  @AfterEach
  void close() {
    server.close();
  }

  private static Duration seconds(long s) {
    return Duration.newBuilder().setSeconds(s).build();
  }

  /** Schedules and returns the written attributes. */
  private ActivityTaskScheduledEventAttributes scheduled(RawWorkflow workflow, ScheduleActivityTaskCommandAttributes.Builder attributes) {
    workflow.complete(workflow.pollWorkflowTask(), RawWorkflow.schedule(attributes));
    return workflow.event("ACTIVITY_TASK_SCHEDULED").getActivityTaskScheduledEventAttributes();
  }

  @Test
  void scheduleToCloseAloneFillsTheOtherTimeouts() {
    var a = scheduled(new RawWorkflow(server, "s2c"),
        RawWorkflow.activity("a").clearStartToCloseTimeout().setScheduleToCloseTimeout(seconds(10)));
    assertThat(a.getScheduleToStartTimeout()).isEqualTo(seconds(10));
    assertThat(a.getStartToCloseTimeout()).isEqualTo(seconds(10));
    assertThat(a.getHeartbeatTimeout()).isEqualTo(seconds(0));
    assertThat(a.getTaskQueue().getKind()).isEqualTo(io.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL);
  }

  @Test
  void startToCloseAloneTakesTheRunTimeoutAndHeartbeatIsCapped() {
    rpc.startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder().setNamespace("default").setWorkflowId("run-timeout")
        .setWorkflowType(WorkflowType.newBuilder().setName("Raw")).setTaskQueue(TaskQueue.newBuilder().setName(RawWorkflow.QUEUE))
        .setWorkflowRunTimeout(seconds(60)).setRequestId("r").build());
    RawWorkflow workflow = RawWorkflow.attach(server, "run-timeout");
    var a = scheduled(workflow, RawWorkflow.activity("a").setStartToCloseTimeout(seconds(5)).setHeartbeatTimeout(seconds(20)));
    assertThat(a.getScheduleToCloseTimeout()).isEqualTo(seconds(60));
    assertThat(a.getScheduleToStartTimeout()).isEqualTo(seconds(60));
    assertThat(a.getStartToCloseTimeout()).isEqualTo(seconds(5));
    assertThat(a.getHeartbeatTimeout()).isEqualTo(seconds(5));
  }

  @Test
  void retryPolicyDefaultsAreWrittenIntoTheEvent() {
    var defaults = scheduled(new RawWorkflow(server, "defaults"), RawWorkflow.activity("a")).getRetryPolicy();
    assertThat(defaults.getInitialInterval()).isEqualTo(seconds(1));
    assertThat(defaults.getBackoffCoefficient()).isEqualTo(2.0);
    assertThat(defaults.getMaximumInterval()).isEqualTo(seconds(100));
    assertThat(defaults.getMaximumAttempts()).isZero();

    var scaled = scheduled(new RawWorkflow(server, "scaled"),
        RawWorkflow.activity("a").setRetryPolicy(RetryPolicy.newBuilder().setInitialInterval(seconds(3)))).getRetryPolicy();
    assertThat(scaled.getMaximumInterval()).isEqualTo(seconds(300));

    var single = scheduled(new RawWorkflow(server, "single"),
        RawWorkflow.activity("a").setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(1).setBackoffCoefficient(0.5))).getRetryPolicy();
    assertThat(single.getBackoffCoefficient()).isEqualTo(0.5);
  }

  static List<Arguments> invalidCommands() {
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("no task queue", (UnaryOperator<ScheduleActivityTaskCommandAttributes.Builder>) b -> b.clearTaskQueue(),
        "taskQueue is not set"));
    cases.add(Arguments.of("empty queue name", (UnaryOperator<ScheduleActivityTaskCommandAttributes.Builder>) b -> b.setTaskQueue(TaskQueue.newBuilder().setName("")),
        "missing task queue name"));
    cases.add(Arguments.of("reserved queue", (UnaryOperator<ScheduleActivityTaskCommandAttributes.Builder>) b -> b.setTaskQueue(TaskQueue.newBuilder().setName("/_sys/x")),
        "task queue name cannot start with reserved prefix /_sys/"));
    cases.add(Arguments.of("no activity id", (UnaryOperator<ScheduleActivityTaskCommandAttributes.Builder>) b -> b.setActivityId(""),
        "activityId is not set"));
    cases.add(Arguments.of("no activity type", (UnaryOperator<ScheduleActivityTaskCommandAttributes.Builder>) b -> b.clearActivityType(),
        "activityType is not set"));
    cases.add(Arguments.of("backoff below 1", (UnaryOperator<ScheduleActivityTaskCommandAttributes.Builder>) b -> b.setRetryPolicy(RetryPolicy.newBuilder().setBackoffCoefficient(0.5)),
        "BackoffCoefficient cannot be less than 1 on retry policy."));
    cases.add(Arguments.of("max below initial", (UnaryOperator<ScheduleActivityTaskCommandAttributes.Builder>) b -> b.setRetryPolicy(RetryPolicy.newBuilder().setInitialInterval(seconds(10)).setMaximumInterval(seconds(5))),
        "MaximumInterval cannot be less than InitialInterval on retry policy."));
    cases.add(Arguments.of("negative attempts", (UnaryOperator<ScheduleActivityTaskCommandAttributes.Builder>) b -> b.setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(-1)),
        "MaximumAttempts cannot be negative on retry policy."));
    cases.add(Arguments.of("bad timeout type", (UnaryOperator<ScheduleActivityTaskCommandAttributes.Builder>) b -> b.setRetryPolicy(RetryPolicy.newBuilder().addNonRetryableErrorTypes("TemporalTimeout:Forever")),
        "Invalid timeout type value: Forever."));
    cases.add(Arguments.of("long id", (UnaryOperator<ScheduleActivityTaskCommandAttributes.Builder>) b -> b.setActivityId("x".repeat(1001)),
        "activityId exceeds length limit. Length=1001 Limit=1000"));
    cases.add(Arguments.of("negative timeout", (UnaryOperator<ScheduleActivityTaskCommandAttributes.Builder>) b -> b.setScheduleToCloseTimeout(Duration.newBuilder().setSeconds(-1)),
        "invalid ScheduleToCloseTimeout: negative duration"));
    cases.add(Arguments.of("no timeouts", (UnaryOperator<ScheduleActivityTaskCommandAttributes.Builder>) b -> b.clearStartToCloseTimeout(),
        "a valid StartToCloseTimeout or ScheduleToCloseTimeout must be set on the activity. ActivityId=a ActivityType=Charge"));
    return cases;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCommands")
  void invalidAttributesFailTheWorkflowTaskWithTheServersMessage(
      String name, UnaryOperator<ScheduleActivityTaskCommandAttributes.Builder> change, String message) {
    RawWorkflow workflow = new RawWorkflow(server, "invalid");
    PollWorkflowTaskQueueResponse task = workflow.pollWorkflowTask();
    assertThatThrownBy(() -> workflow.complete(task, RawWorkflow.schedule(change.apply(RawWorkflow.activity("a")))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getDescription()).isEqualTo("BadScheduleActivityAttributes: " + message));
    assertThat(workflow.types()).doesNotContain("ACTIVITY_TASK_SCHEDULED").endsWith("WORKFLOW_TASK_FAILED");
  }

  @Test
  void duplicatePendingIdIsRefusedButAClosedIdMayBeReused() {
    RawWorkflow workflow = new RawWorkflow(server, "dup");
    PollWorkflowTaskQueueResponse first = workflow.pollWorkflowTask();
    assertThatThrownBy(() -> workflow.complete(first,
            RawWorkflow.schedule(RawWorkflow.activity("same")), RawWorkflow.schedule(RawWorkflow.activity("same"))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
            .isEqualTo("ScheduleActivityDuplicateId: invalid history builder state for action: add-activitytask-scheduled-event, ActivityID: same"));
    assertThat(workflow.event("WORKFLOW_TASK_FAILED").getWorkflowTaskFailedEventAttributes().getCause())
        .isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_SCHEDULE_ACTIVITY_DUPLICATE_ID);

    // attempt 2 of the workflow task schedules it once; it completes; then the id is free again
    workflow.complete(workflow.pollWorkflowTask(), RawWorkflow.schedule(RawWorkflow.activity("same")));
    rpc.respondActivityTaskCompleted(RespondActivityTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(workflow.pollActivityTask().getTaskToken()).build());
    workflow.complete(workflow.pollWorkflowTask(), RawWorkflow.schedule(RawWorkflow.activity("same")));
    assertThat(workflow.types().stream().filter(t -> t.equals("ACTIVITY_TASK_SCHEDULED")).count()).isEqualTo(2);
  }

  @Test
  void theTwoThousandAndFirstPendingActivityIsRefused() {
    RawWorkflow workflow = new RawWorkflow(server, "many");
    List<Command> commands = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      commands.add(RawWorkflow.schedule(RawWorkflow.activity("a" + i).setTaskQueue(TaskQueue.newBuilder().setName("nobody"))));
    }
    workflow.complete(workflow.pollWorkflowTask(), commands.toArray(Command[]::new));
    PollWorkflowTaskQueueResponse next = workflow.pollWorkflowTaskAfterSignal();
    assertThatThrownBy(() -> workflow.complete(next, RawWorkflow.schedule(RawWorkflow.activity("one-more"))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
            .isEqualTo("PendingActivitiesLimitExceeded: the number of pending activities, 2000, has reached the per-workflow limit of 2000"));
  }

  @Test
  void nextRetryDelayOverridesTheMaximumIntervalAndDescribeShowsTheBackoff() {
    RawWorkflow workflow = new RawWorkflow(server, "delay");
    workflow.complete(workflow.pollWorkflowTask(), RawWorkflow.schedule(RawWorkflow.activity("a")
        .setRetryPolicy(RetryPolicy.newBuilder().setMaximumInterval(seconds(10)))));
    PollActivityTaskQueueResponse first = workflow.pollActivityTask();
    // hold time, or the idle server would skip the whole backoff before we can look at it
    TimeLock lock = server.clock().lock();
    rpc.respondActivityTaskFailed(RespondActivityTaskFailedRequest.newBuilder().setNamespace("default")
        .setTaskToken(first.getTaskToken()).setIdentity("w1")
        .setFailure(Failure.newBuilder().setMessage("later").setApplicationFailureInfo(
            ApplicationFailureInfo.newBuilder().setType("Busy").setNextRetryDelay(seconds(30)))).build());

    var pending = rpc.describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setExecution(workflow.execution()).build()).getPendingActivities(0);
    assertThat(pending.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
    assertThat(pending.getAttempt()).isEqualTo(2);
    assertThat(pending.hasLastStartedTime()).isFalse();
    assertThat(pending.getCurrentRetryInterval()).isEqualTo(seconds(30));
    assertThat(pending.getNextAttemptScheduleTime()).isEqualTo(pending.getScheduledTime());
    assertThat(pending.getLastFailure().getMessage()).isEqualTo("later");
    assertThat(pending.getLastWorkerIdentity()).isEqualTo("activity-worker");
    assertThat(pending.getActivityOptions().getTaskQueue().getNormalName()).isEqualTo(RawWorkflow.QUEUE);
    assertThat(pending.getActivityOptions().getStartToCloseTimeout()).isEqualTo(seconds(60));
    assertThat(pending.getActivityOptions().getRetryPolicy().getMaximumInterval()).isEqualTo(seconds(10));
    assertThat(pending.getMaximumAttempts()).isZero();

    lock.close();
    PollActivityTaskQueueResponse second = workflow.pollActivityTask();
    assertThat(second.getAttempt()).isEqualTo(2);
    long waited = second.getCurrentAttemptScheduledTime().getSeconds() - pending.getLastAttemptCompleteTime().getSeconds();
    assertThat(waited).isBetween(29L, 30L);
  }

  @Test
  void whenScheduleToStartAndScheduleToCloseFallDueTogetherScheduleToStartWins() {
    RawWorkflow workflow = new RawWorkflow(server, "tie");
    workflow.complete(workflow.pollWorkflowTask(), RawWorkflow.schedule(RawWorkflow.activity("a")
        .clearStartToCloseTimeout().setScheduleToCloseTimeout(seconds(10))
        .setTaskQueue(TaskQueue.newBuilder().setName("nobody-polls"))));

    PollWorkflowTaskQueueResponse next = workflow.pollWorkflowTask(); // the timeout wakes the workflow
    assertThat(next.getStartedEventId()).isPositive();
    var timedOut = workflow.event("ACTIVITY_TASK_TIMED_OUT").getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(io.temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START);
    assertThat(timedOut.getFailure().getMessage()).isEqualTo("activity ScheduleToStart timeout");
    assertThat(timedOut.getStartedEventId()).isZero();
  }

  @Test
  void aTransientRetryThatFailsAgainWritesNothingAndWaitsForItsTimeout() {
    rpc.startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder().setNamespace("default").setWorkflowId("stubborn")
        .setWorkflowType(WorkflowType.newBuilder().setName("Raw")).setTaskQueue(TaskQueue.newBuilder().setName(RawWorkflow.QUEUE))
        .setWorkflowTaskTimeout(seconds(1)).setRequestId("stubborn").build());
    RawWorkflow workflow = RawWorkflow.attach(server, "stubborn");
    Command bad = RawWorkflow.schedule(RawWorkflow.activity("").clearStartToCloseTimeout());
    assertThatThrownBy(() -> workflow.complete(workflow.pollWorkflowTask(), bad)).isInstanceOf(StatusRuntimeException.class);
    PollWorkflowTaskQueueResponse second = workflow.pollWorkflowTask();
    assertThat(second.getAttempt()).isEqualTo(2);
    int written = workflow.history().size();

    assertThatThrownBy(() -> workflow.complete(second, bad))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
            .isEqualTo("BadScheduleActivityAttributes: activityId is not set"));

    assertThat(workflow.history()).hasSize(written);
    // the started attempt is left to time out (1 s, in wall time: it is in flight), then attempt 3 comes
    PollWorkflowTaskQueueResponse third = workflow.pollWorkflowTask();
    assertThat(third.getAttempt()).isEqualTo(3);
    assertThat(workflow.history()).hasSize(written);
  }
}
