package dev.timewarp.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.timewarp.server.Await;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ActivityExecutionStatus;
import io.temporal.api.enums.v1.ActivityIdConflictPolicy;
import io.temporal.api.enums.v1.ActivityIdReusePolicy;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.PauseActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.PauseActivityRequest;
import io.temporal.api.workflowservice.v1.UnpauseActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.ActivityAlreadyStartedException;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityClient;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityExecutionDescription;
import io.temporal.client.ActivityFailedException;
import io.temporal.client.ActivityHandle;
import io.temporal.client.ActivityNotExistsException;
import io.temporal.client.ActivityPausedException;
import io.temporal.client.StartActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The life of a standalone activity seen through the SDK's ActivityClient and a real worker: id
 * policies, the four timeouts, cancel, terminate, describe and pause (§12); plus the SDK's pause
 * signal to a workflow activity (§11).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StandaloneActivityLifecycleTest {
  static final String NOT_ENOUGH_TIME =
      "Not enough time to schedule next retry before activity ScheduleToClose timeout, giving up retrying";

  // ---- state shared with the activity code ---------------------------------------------------

  /** "method#attempt" once an activity got where the test waits for it. */
  static final BlockingQueue<String> reached = new LinkedBlockingQueue<>();
  /** Lets blocked activities go; released at teardown at the latest. */
  static volatile CountDownLatch release = new CountDownLatch(1);
  /** Tells heartbeatWhenTold to heartbeat. */
  static volatile CountDownLatch go = new CountDownLatch(1);
  /** What heartbeatWhenTold's heartbeat threw (null if nothing). */
  static volatile CompletableFuture<Throwable> heartbeatThrew = new CompletableFuture<>();
  static volatile String lastActivityId;

  @ActivityInterface
  public interface Jobs {
    String echo(String input);

    /** Always fails, retryably. */
    String fail(String input);

    /** Blocks until released. */
    String block(String input);

    /** Heartbeats its input once, then blocks. */
    String heartbeatThenBlock(String input);

    /** Waits for the test's go, heartbeats once and rethrows what the heartbeat threw. */
    String heartbeatWhenTold(String input);

    /** Attempt 1 fails at once; later attempts block. */
    String failFirstThenBlock(String input);
  }

  public static class JobsImpl implements Jobs {
    private static int attempt() {
      return Activity.getExecutionContext().getInfo().getAttempt();
    }

    private static void arrived(String method) {
      lastActivityId = Activity.getExecutionContext().getInfo().getActivityId();
      reached.add(method + "#" + attempt());
    }

    private static void await(CountDownLatch latch) {
      try {
        latch.await(55, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public String echo(String input) {
      return "echo:" + input;
    }

    @Override
    public String fail(String input) {
      throw ApplicationFailure.newFailure("failed attempt " + attempt(), "Boom");
    }

    @Override
    public String block(String input) {
      arrived("block");
      await(release);
      return "released";
    }

    @Override
    public String heartbeatThenBlock(String input) {
      Activity.getExecutionContext().heartbeat(input); // the first heartbeat goes out at once
      arrived("heartbeatThenBlock");
      await(release);
      return "released";
    }

    @Override
    public String heartbeatWhenTold(String input) {
      ActivityExecutionContext context = Activity.getExecutionContext();
      arrived("heartbeatWhenTold");
      await(go);
      try {
        // the first heartbeat is sent synchronously, so its answer is what this call reports
        context.heartbeat(input);
        heartbeatThrew.complete(null);
        return "heartbeat went through";
      } catch (ActivityCompletionException e) {
        heartbeatThrew.complete(e);
        throw e;
      }
    }

    @Override
    public String failFirstThenBlock(String input) {
      if (attempt() == 1) {
        throw ApplicationFailure.newFailure("first attempt fails", "Boom");
      }
      arrived("failFirstThenBlock");
      await(release);
      return "released";
    }
  }

  @WorkflowInterface
  public interface Runner {
    @WorkflowMethod
    String run();
  }

  public static class RunnerImpl implements Runner {
    @Override
    public String run() {
      Jobs jobs = Workflow.newActivityStub(Jobs.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
          .build());
      return jobs.heartbeatWhenTold("from a workflow");
    }
  }

  // ---- harness --------------------------------------------------------------------------------

  private SdkHarness harness;
  private ActivityClient activities;

  @BeforeEach
  void setUp() {
    reached.clear();
    release = new CountDownLatch(1);
    go = new CountDownLatch(1);
    heartbeatThrew = new CompletableFuture<>();
    lastActivityId = null;
    harness = new SdkHarness();
    harness.worker.registerActivitiesImplementations(new JobsImpl());
    harness.worker.registerWorkflowImplementationTypes(RunnerImpl.class);
    harness.start();
    activities = ActivityClient.newInstance(harness.stubs);
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    go.countDown();
    harness.close();
  }

  private StartActivityOptions.Builder options(String id) {
    return StartActivityOptions.newBuilder().setId(id).setTaskQueue(harness.taskQueue)
        .setStartToCloseTimeout(Duration.ofMinutes(1));
  }

  private static RetryOptions attempts(int maximum) {
    return RetryOptions.newBuilder().setMaximumAttempts(maximum).build();
  }

  private void awaitReached(String what) throws InterruptedException {
    assertThat(reached.poll(10, TimeUnit.SECONDS)).as("the activity reached %s", what).isEqualTo(what);
  }

  private WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc() {
    return harness.stubs.blockingStub();
  }

  private static TimeoutFailure timeoutOf(ActivityHandle<?> handle) {
    Throwable[] cause = new Throwable[1];
    assertThatThrownBy(handle::getResult).isInstanceOfSatisfying(ActivityFailedException.class, e -> cause[0] = e.getCause());
    assertThat(cause[0]).isInstanceOf(TimeoutFailure.class);
    return (TimeoutFailure) cause[0];
  }

  // ---- id policies ----------------------------------------------------------------------------

  @Test
  void allowDuplicateStartsANewRunAfterTheFirstCompleted() {
    ActivityHandle<String> first = activities.start(Jobs.class, Jobs::echo, options("dup").build(), "one");
    assertThat(first.getResult()).isEqualTo("echo:one");

    ActivityHandle<String> second = activities.start(Jobs.class, Jobs::echo,
        options("dup").setIdReusePolicy(ActivityIdReusePolicy.ACTIVITY_ID_REUSE_POLICY_ALLOW_DUPLICATE).build(), "two");

    assertThat(second.getActivityRunId()).isNotNull().isNotEqualTo(first.getActivityRunId());
    assertThat(second.getResult()).isEqualTo("echo:two");
  }

  @Test
  void allowDuplicateFailedOnlyRefusesAfterSuccessAndAllowsAfterFailure() {
    StartActivityOptions failedOnly = options("failed-only")
        .setIdReusePolicy(ActivityIdReusePolicy.ACTIVITY_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY).build();
    activities.start(Jobs.class, Jobs::echo, options("failed-only").build(), "ok").getResult();
    assertThatThrownBy(() -> activities.start(Jobs.class, Jobs::echo, failedOnly, "again"))
        .isInstanceOf(ActivityAlreadyStartedException.class);

    ActivityHandle<String> failed = activities.start(Jobs.class, Jobs::fail,
        options("failed-once").setRetryOptions(attempts(1)).build(), "x");
    assertThatThrownBy(failed::getResult).isInstanceOf(ActivityFailedException.class);
    ActivityHandle<String> retried = activities.start(Jobs.class, Jobs::echo,
        options("failed-once").setIdReusePolicy(ActivityIdReusePolicy.ACTIVITY_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY).build(), "y");

    assertThat(retried.getActivityRunId()).isNotEqualTo(failed.getActivityRunId());
    assertThat(retried.getResult()).isEqualTo("echo:y");
  }

  @Test
  void rejectDuplicateRefusesOnceClosedHoweverItEnded() {
    activities.start(Jobs.class, Jobs::echo, options("reject").build(), "ok").getResult();
    ActivityHandle<String> failed = activities.start(Jobs.class, Jobs::fail,
        options("reject-failed").setRetryOptions(attempts(1)).build(), "x");
    assertThatThrownBy(failed::getResult).isInstanceOf(ActivityFailedException.class);

    for (String id : new String[] {"reject", "reject-failed"}) {
      assertThatThrownBy(() -> activities.start(Jobs.class, Jobs::echo,
              options(id).setIdReusePolicy(ActivityIdReusePolicy.ACTIVITY_ID_REUSE_POLICY_REJECT_DUPLICATE).build(), "again"))
          .as(id).isInstanceOf(ActivityAlreadyStartedException.class);
    }
  }

  @Test
  void conflictPolicyFailRefusesAStartWhileRunning() {
    ActivityHandle<String> running = activities.start(Jobs.class, Jobs::echo,
        options("conflict").setTaskQueue("nobody-polls").build(), "first"); // stays queued

    assertThatThrownBy(() -> activities.start(Jobs.class, Jobs::echo, options("conflict").setTaskQueue("nobody-polls")
            .setIdConflictPolicy(ActivityIdConflictPolicy.ACTIVITY_ID_CONFLICT_POLICY_FAIL).build(), "second"))
        .isInstanceOfSatisfying(ActivityAlreadyStartedException.class,
            e -> assertThat(e.getRunId()).isEqualTo(running.getActivityRunId()));
  }

  @Test
  void conflictPolicyUseExistingReturnsTheRunningRun() {
    ActivityHandle<String> running = activities.start(Jobs.class, Jobs::echo,
        options("existing").setTaskQueue("nobody-polls").build(), "first");

    ActivityHandle<String> same = activities.start(Jobs.class, Jobs::echo, options("existing").setTaskQueue("nobody-polls")
        .setIdConflictPolicy(ActivityIdConflictPolicy.ACTIVITY_ID_CONFLICT_POLICY_USE_EXISTING).build(), "second");

    assertThat(same.getActivityRunId()).isEqualTo(running.getActivityRunId());
    assertThat(same.describe().getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING);
  }

  // ---- the four timeouts ----------------------------------------------------------------------

  @Test
  void scheduleToStartEndsAnActivityNobodyPicksUp() {
    Instant before = harness.server.clock().now();
    ActivityHandle<String> handle = activities.start(Jobs.class, Jobs::echo, options("s2s").setTaskQueue("nobody-polls")
        .setScheduleToStartTimeout(Duration.ofSeconds(10)).setStartToCloseTimeout(Duration.ofSeconds(10))
        .setRetryOptions(attempts(1)).build(), "lonely");

    TimeoutFailure timeout = timeoutOf(handle); // the idle server skips to the deadline

    assertThat(timeout.getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START);
    assertThat(timeout.getOriginalMessage()).isEqualTo("activity ScheduleToStart timeout");
    assertThat(harness.server.clock().now()).isAfterOrEqualTo(before.plusSeconds(10));
    assertThat(handle.describe().getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TIMED_OUT);
  }

  @Test
  void startToCloseEndsAnAttemptThatRunsTooLong() throws Exception {
    ActivityHandle<String> handle = activities.start(Jobs.class, Jobs::block,
        options("stc").setStartToCloseTimeout(Duration.ofSeconds(10)).setRetryOptions(attempts(1)).build(), "slow");
    awaitReached("block#1");

    harness.server.clock().advance(Duration.ofSeconds(11)); // a running activity keeps time still: move it

    TimeoutFailure timeout = timeoutOf(handle);
    assertThat(timeout.getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    assertThat(timeout.getOriginalMessage()).isEqualTo("activity StartToClose timeout");
  }

  @Test
  void heartbeatTimeoutEndsASilentAttemptAndKeepsTheLastDetails() throws Exception {
    ActivityHandle<String> handle = activities.start(Jobs.class, Jobs::heartbeatThenBlock,
        options("hb").setHeartbeatTimeout(Duration.ofSeconds(5)).setRetryOptions(attempts(1)).build(), "beat-1");
    awaitReached("heartbeatThenBlock#1");

    harness.server.clock().advance(Duration.ofSeconds(6));

    TimeoutFailure timeout = timeoutOf(handle);
    assertThat(timeout.getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    assertThat(timeout.getLastHeartbeatDetails().get(String.class)).isEqualTo("beat-1");
  }

  /** Worker failures with no time left for the next retry: Failed with the worker's failure (§5.1, §14.2). */
  @Test
  void scheduleToCloseCutsOffTheRetriesOfAFailingActivity() {
    Instant before = harness.server.clock().now();
    ActivityHandle<String> handle = activities.start(Jobs.class, Jobs::fail, options("s2c-fail")
        .setScheduleToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(10)).setBackoffCoefficient(2).build())
        .build(), "x");

    // attempts at 0 s, 10 s and 30 s; the next would be due at 70 s, after the 60 s deadline
    assertThatThrownBy(handle::getResult).isInstanceOfSatisfying(ActivityFailedException.class, e ->
        assertThat(e.getCause()).isInstanceOfSatisfying(ApplicationFailure.class,
            f -> assertThat(f.getOriginalMessage()).isEqualTo("failed attempt 3")));
    ActivityExecutionDescription closed = handle.describe();
    assertThat(closed.getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_FAILED);
    assertThat(closed.getAttempt()).isEqualTo(3);
    assertThat(closed.getCloseTime()).as("given up at once, not at the deadline").isBefore(before.plusSeconds(60));
  }

  /** The deadline passes while an attempt runs: the "giving up retrying" ScheduleToClose timeout (§4.2, §12.2). */
  @Test
  void scheduleToCloseEndsARetriedAttemptThatRunsPastIt() throws Exception {
    ActivityHandle<String> handle = activities.start(Jobs.class, Jobs::failFirstThenBlock, options("s2c-running")
        .setScheduleToCloseTimeout(Duration.ofMinutes(1)).setStartToCloseTimeout(null)
        .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1)).build())
        .build(), "x");
    awaitReached("failFirstThenBlock#2");

    harness.server.clock().advance(Duration.ofMinutes(1));

    TimeoutFailure timeout = timeoutOf(handle);
    assertThat(timeout.getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE);
    assertThat(timeout.getOriginalMessage()).isEqualTo(NOT_ENOUGH_TIME);
    assertThat(timeout.getCause()).as("the failure of the attempt before")
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getOriginalMessage()).isEqualTo("first attempt fails"));
  }

  // ---- cancel and terminate -------------------------------------------------------------------

  @Test
  void cancelBeforeAnyWorkerPickedItUpEndsItWithTheReason() {
    ActivityHandle<String> handle = activities.start(Jobs.class, Jobs::echo,
        options("cancel-queued").setTaskQueue("nobody-polls").build(), "x");

    handle.cancel("not needed any more");

    assertThat(handle.describe().getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_CANCELED);
    assertThat(handle.describe().getCanceledReason()).isEqualTo("not needed any more");
    assertThatThrownBy(handle::getResult).isInstanceOfSatisfying(ActivityFailedException.class, e ->
        assertThat(e.getCause()).isInstanceOfSatisfying(CanceledFailure.class,
            // §12.3: canceled at once, "details = the reason string"
            c -> assertThat(c.getDetails().get(String.class)).isEqualTo("not needed any more")));
  }

  @Test
  void cancelWhileRunningReachesTheActivityThroughItsHeartbeat() throws Exception {
    ActivityHandle<String> handle = activities.start(Jobs.class, Jobs::heartbeatWhenTold, options("cancel-running").build(), "x");
    awaitReached("heartbeatWhenTold#1");

    handle.cancel("stop please");
    assertThat(handle.describe().getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED);
    go.countDown();

    assertThat(heartbeatThrew.get(10, TimeUnit.SECONDS)).isInstanceOf(ActivityCanceledException.class);
    assertThatThrownBy(handle::getResult).isInstanceOfSatisfying(ActivityFailedException.class,
        e -> assertThat(e.getCause()).isInstanceOf(CanceledFailure.class));
    assertThat(handle.describe().getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_CANCELED);
  }

  @Test
  void terminateWhileRunningLeavesTheWorkerWithNothingToReportTo() throws Exception {
    ActivityHandle<String> handle = activities.start(Jobs.class, Jobs::heartbeatWhenTold, options("terminate").build(), "x");
    awaitReached("heartbeatWhenTold#1");

    handle.terminate("operator stop");
    go.countDown();

    // the server answers the heartbeat NOT_FOUND, which the SDK turns into this
    assertThat(heartbeatThrew.get(10, TimeUnit.SECONDS)).isInstanceOf(ActivityNotExistsException.class);
    assertThatThrownBy(handle::getResult).isInstanceOfSatisfying(ActivityFailedException.class, e ->
        assertThat(e.getCause()).isInstanceOfSatisfying(TerminatedFailure.class,
            t -> assertThat(t.getOriginalMessage()).isEqualTo("operator stop")));
    assertThat(handle.describe().getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TERMINATED);
  }

  // ---- describe -------------------------------------------------------------------------------

  @Test
  void describeShowsARunningAttempt() throws Exception {
    ActivityHandle<String> handle = activities.start(Jobs.class, Jobs::heartbeatThenBlock, options("describe")
        .setScheduleToCloseTimeout(Duration.ofMinutes(10)).setHeartbeatTimeout(Duration.ofSeconds(20))
        .setRetryOptions(attempts(3)).build(), "progress");
    awaitReached("heartbeatThenBlock#1");

    ActivityExecutionDescription description = handle.describe();

    assertThat(description.getActivityId()).isEqualTo("describe");
    assertThat(description.getActivityRunId()).isEqualTo(handle.getActivityRunId());
    assertThat(description.getActivityType()).isEqualTo("HeartbeatThenBlock");
    assertThat(description.getTaskQueue()).isEqualTo(harness.taskQueue);
    assertThat(description.getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING);
    assertThat(description.getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    assertThat(description.getAttempt()).isEqualTo(1);
    assertThat(description.getStartToCloseTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(description.getHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(description.getScheduleToCloseTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(description.getRetryOptions().getMaximumAttempts()).isEqualTo(3);
    assertThat(description.getExpirationTime()).isEqualTo(description.getScheduledTime().plus(Duration.ofMinutes(10)));
    assertThat(description.getLastStartedTime()).isAfterOrEqualTo(description.getScheduledTime());
    assertThat(description.getLastHeartbeatTime()).isAfterOrEqualTo(description.getLastStartedTime());
    assertThat(description.getLastWorkerIdentity()).isEqualTo(harness.client.getOptions().getIdentity());
    assertThat(description.getRawInfo().getTotalHeartbeatCount()).isEqualTo(1);
    assertThat(description.getCloseTime()).isNull();
  }

  // ---- pause ----------------------------------------------------------------------------------

  @Test
  void aDeadlineThatPassedWhilePausedFiresOnUnpause() throws Exception {
    ActivityHandle<String> handle = activities.start(Jobs.class, Jobs::block,
        options("paused-overdue").setStartToCloseTimeout(Duration.ofSeconds(10)).setRetryOptions(attempts(1)).build(), "x");
    awaitReached("block#1");
    rpc().pauseActivityExecution(PauseActivityExecutionRequest.newBuilder().setNamespace("default")
        .setActivityId("paused-overdue").setReason("look first").build());

    harness.server.clock().advance(Duration.ofMinutes(5)); // far past the 10 s start-to-close: nothing fires while paused

    ActivityExecutionDescription paused = handle.describe();
    assertThat(paused.getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING);
    assertThat(paused.getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED);
    Instant unpausedAt = harness.server.clock().now();

    rpc().unpauseActivityExecution(UnpauseActivityExecutionRequest.newBuilder().setNamespace("default")
        .setActivityId("paused-overdue").build());

    TimeoutFailure timeout = timeoutOf(handle);
    assertThat(timeout.getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    assertThat(handle.describe().getCloseTime()).as("at once, not after another 10 s").isBefore(unpausedAt.plusSeconds(10));
  }

  @Test
  void aPausedWorkflowActivityLearnsOfItFromItsHeartbeat() throws Exception {
    Runner runner = harness.newStub(Runner.class, "pause-from-heartbeat");
    WorkflowClient.start(runner::run);
    awaitReached("heartbeatWhenTold#1");
    WorkflowExecution execution = WorkflowExecution.newBuilder().setWorkflowId("pause-from-heartbeat").build();

    rpc().pauseActivity(PauseActivityRequest.newBuilder().setNamespace("default").setExecution(execution)
        .setId(lastActivityId).setIdentity("operator").setReason("look first").build());
    go.countDown();

    assertThat(heartbeatThrew.get(10, TimeUnit.SECONDS)).isInstanceOf(ActivityPausedException.class);
    // the SDK fails the attempt; with retries left it waits, paused, as attempt 2
    Await.until(() -> {
      PendingActivityInfo pending = rpc().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
          .setNamespace("default").setExecution(execution).build()).getPendingActivities(0);
      return pending.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_PAUSED && pending.getAttempt() == 2;
    }, () -> "the failed attempt to leave the activity paused at attempt 2");
  }
}
