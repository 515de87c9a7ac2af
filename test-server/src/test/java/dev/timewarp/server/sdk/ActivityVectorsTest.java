package dev.timewarp.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.timewarp.server.ServerOptions;
import dev.timewarp.server.TimeLock;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.RecordActivityTaskHeartbeatByIdRequest;
import io.temporal.api.workflowservice.v1.RecordActivityTaskHeartbeatRequest;
import io.temporal.api.workflowservice.v1.RespondActivityTaskCanceledRequest;
import io.temporal.api.workflowservice.v1.RespondActivityTaskCompletedByIdRequest;
import io.temporal.api.workflowservice.v1.RespondActivityTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondActivityTaskFailedByIdRequest;
import io.temporal.api.workflowservice.v1.RespondActivityTaskFailedRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.common.converter.GlobalDataConverter;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The activity test vectors of docs/activity-semantics.md §15 (plus the closely related items of
 * §16), driven through the official Java SDK worker against a Timewarp server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ActivityVectorsTest {
  static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");
  static final String NOBODY = "nobody";
  static final String NOT_ENOUGH_TIME =
      "Not enough time to schedule next retry before activity ScheduleToClose timeout, giving up retrying";
  /** Slack for instants measured while time runs at wall pace (the server is busy). */
  static final Duration SLACK = Duration.ofMillis(400);

  // ---- state shared between the test thread and activity / workflow code --------------------

  /** What an activity attempt saw when it was polled. */
  record Attempt(
      String method,
      int attempt,
      Instant scheduled,
      Instant currentAttemptScheduled,
      Instant started,
      Instant at,
      byte[] token,
      Optional<Payloads> heartbeatDetails) {}

  static volatile SdkHarness current;
  static volatile CountDownLatch release = new CountDownLatch(1);
  static volatile CountDownLatch cancelSeen = new CountDownLatch(1);
  static final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  static final BlockingQueue<byte[]> tokens = new LinkedBlockingQueue<>();
  static final List<String> observations = new CopyOnWriteArrayList<>();

  // ---- activities ---------------------------------------------------------------------------

  @ActivityInterface
  public interface Acts {
    String succeed(String input);

    /** Fails (retryably) until {@code succeedOnAttempt}; {@code 0} means always fail. */
    String failUntil(int succeedOnAttempt);

    String failWith(String type, boolean nonRetryable);

    /** Publishes its token and blocks until the test releases it. */
    String block();

    /** Heartbeats 0, 1, 2 then goes silent (blocks). */
    String heartbeatThenBlock();

    /** Signals the workflow, then heartbeats until it learns of a cancel request. */
    String heartbeatUntilCancelled(boolean failOnCancel);

    /** Signals the workflow, then blocks without heartbeating. */
    String signalThenBlock();

    /** Publishes its token and leaves completion to the test. */
    String manual();

    /** Attempt 1 publishes its token and fails; later attempts publish and await manual completion. */
    String failFirstThenManual();

    /** Attempt 1 heartbeats 7771 and blocks (StC fires); attempt 2 reports what it sees. */
    String heartbeatDetailsAcrossRetries();

    /** Attempt 1 heartbeats 7771 and blocks; later attempts block without heartbeating. */
    String heartbeatOnFirstAttemptThenBlock();

    /** Attempt 1 fails at once; later attempts block. */
    String failFirstThenBlock();
  }

  public static class ActsImpl implements Acts {
    private static Attempt record(String method) {
      ActivityExecutionContext ctx = Activity.getExecutionContext();
      ActivityInfo info = ctx.getInfo();
      Attempt a =
          new Attempt(
              method,
              info.getAttempt(),
              Instant.ofEpochMilli(info.getScheduledTimestamp()),
              Instant.ofEpochMilli(info.getCurrentAttemptScheduledTimestamp()),
              Instant.ofEpochMilli(info.getStartedTimestamp()),
              // millisecond precision, like the timestamps the SDK exposes
              current.server.clock().now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
              ctx.getTaskToken(),
              info.getHeartbeatDetails());
      attempts.add(a);
      return a;
    }

    private static String awaitRelease() {
      try {
        release.await(55, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "released";
    }

    private static void signalStarted() {
      ActivityInfo info = Activity.getExecutionContext().getInfo();
      Activity.getExecutionContext()
          .getWorkflowClient()
          .newUntypedWorkflowStub(info.getWorkflowId())
          .signal("activityStarted");
    }

    @Override
    public String succeed(String input) {
      record("succeed");
      return "ok:" + input;
    }

    @Override
    public String failUntil(int succeedOnAttempt) {
      Attempt a = record("failUntil");
      if (succeedOnAttempt == 0 || a.attempt() < succeedOnAttempt) {
        throw ApplicationFailure.newFailure("fail #" + a.attempt(), "Boom");
      }
      return "succeeded on attempt " + a.attempt();
    }

    @Override
    public String failWith(String type, boolean nonRetryable) {
      record("failWith");
      if (nonRetryable) {
        throw ApplicationFailure.newNonRetryableFailure("non-retryable " + type, type);
      }
      throw ApplicationFailure.newFailure("failure of type " + type, type);
    }

    @Override
    public String block() {
      Attempt a = record("block");
      tokens.add(a.token());
      return awaitRelease();
    }

    @Override
    public String heartbeatThenBlock() {
      record("heartbeatThenBlock");
      ActivityExecutionContext ctx = Activity.getExecutionContext();
      ctx.heartbeat(0);
      ctx.heartbeat(1);
      ctx.heartbeat(2);
      return awaitRelease();
    }

    @Override
    public String heartbeatUntilCancelled(boolean failOnCancel) {
      record("heartbeatUntilCancelled");
      ActivityExecutionContext ctx = Activity.getExecutionContext();
      signalStarted();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
      while (System.nanoTime() < deadline) {
        try {
          ctx.heartbeat("beat");
        } catch (ActivityCanceledException e) {
          cancelSeen.countDown();
          if (failOnCancel) {
            throw ApplicationFailure.newFailure("gave up after cancel", "AfterCancel");
          }
          throw e;
        }
        try {
          Thread.sleep(50); // wall-clock pacing of the heartbeat loop, not a wait for virtual time
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "interrupted";
        }
      }
      return "never cancelled";
    }

    @Override
    public String signalThenBlock() {
      record("signalThenBlock");
      signalStarted();
      return awaitRelease();
    }

    @Override
    public String manual() {
      Attempt a = record("manual");
      tokens.add(a.token());
      Activity.getExecutionContext().doNotCompleteOnReturn();
      return null;
    }

    @Override
    public String failFirstThenManual() {
      Attempt a = record("failFirstThenManual");
      tokens.add(a.token());
      if (a.attempt() == 1) {
        throw ApplicationFailure.newFailure("first attempt fails", "Boom");
      }
      Activity.getExecutionContext().doNotCompleteOnReturn();
      return null;
    }

    @Override
    public String heartbeatDetailsAcrossRetries() {
      Attempt a = record("heartbeatDetailsAcrossRetries");
      ActivityExecutionContext ctx = Activity.getExecutionContext();
      if (a.attempt() == 1) {
        ctx.heartbeat(7771); // the first heartbeat of an attempt is sent synchronously
        observations.add("attempt1 describe: " + describePending(ctx.getInfo().getWorkflowId()));
        return awaitRelease();
      }
      observations.add(
          "attempt" + a.attempt() + " getHeartbeatDetails: " + ctx.getHeartbeatDetails(Integer.class).orElse(null));
      observations.add(
          "attempt" + a.attempt() + " describe: " + describePending(ctx.getInfo().getWorkflowId()));
      return "attempt " + a.attempt() + " done";
    }

    @Override
    public String heartbeatOnFirstAttemptThenBlock() {
      Attempt a = record("heartbeatOnFirstAttemptThenBlock");
      if (a.attempt() == 1) {
        Activity.getExecutionContext().heartbeat(7771);
      }
      return awaitRelease();
    }

    @Override
    public String failFirstThenBlock() {
      Attempt a = record("failFirstThenBlock");
      if (a.attempt() == 1) {
        throw ApplicationFailure.newFailure("fail #1", "Boom");
      }
      return awaitRelease();
    }

    private static String describePending(String workflowId) {
      PendingActivityInfo p = describe(current, workflowId).getPendingActivities(0);
      String details =
          p.hasHeartbeatDetails() ? decode(p.getHeartbeatDetails(), Integer.class).toString() : "none";
      return "attempt=" + p.getAttempt() + " details=" + details;
    }
  }

  // ---- the workflow -------------------------------------------------------------------------

  @WorkflowInterface
  public interface Vector {
    @WorkflowMethod
    String run(String scenario);

    @SignalMethod
    void activityStarted();

    @SignalMethod
    void finish();
  }

  public static class VectorImpl implements Vector {
    private boolean started;
    private boolean finished;

    @Override
    public void activityStarted() {
      started = true;
    }

    @Override
    public void finish() {
      finished = true;
    }

    private static ActivityOptions.Builder opts() {
      return ActivityOptions.newBuilder();
    }

    private static Acts acts(ActivityOptions.Builder options) {
      return Workflow.newActivityStub(Acts.class, options.build());
    }

    private static RetryOptions maxAttempts(int n) {
      return RetryOptions.newBuilder().setMaximumAttempts(n).build();
    }

    private static String outcome(Supplier<String> call) {
      try {
        return "completed:" + call.get();
      } catch (ActivityFailure f) {
        return describeFailure(f);
      }
    }

    private String cancelled(
        ActivityOptions.Builder options,
        Functions.Func1<Acts, Promise<String>> call,
        Functions.Proc waitBeforeCancel) {
      Acts a = acts(options.setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED));
      List<Promise<String>> promise = new ArrayList<>();
      CancellationScope scope = Workflow.newCancellationScope(() -> promise.add(call.apply(a)));
      scope.run();
      waitBeforeCancel.apply();
      scope.cancel();
      try {
        return "completed:" + promise.get(0).get();
      } catch (ActivityFailure f) {
        return describeFailure(f);
      } catch (CanceledFailure c) {
        return "bare CanceledFailure";
      }
    }

    @Override
    public String run(String scenario) {
      Duration s1 = Duration.ofSeconds(1);
      Duration s2 = Duration.ofSeconds(2);
      Duration s10 = Duration.ofSeconds(10);
      Duration s30 = Duration.ofSeconds(30);
      switch (scenario) {
        case "v1-success":
          return acts(opts().setStartToCloseTimeout(s10)).succeed("v1");
        case "v2-retries":
          return acts(
                  opts()
                      .setStartToCloseTimeout(s10)
                      .setRetryOptions(
                          RetryOptions.newBuilder().setInitialInterval(s1).setBackoffCoefficient(2).build()))
              .failUntil(3);
        case "v3-max-attempts":
          return outcome(
              () ->
                  acts(opts()
                          .setStartToCloseTimeout(s10)
                          .setRetryOptions(
                              RetryOptions.newBuilder()
                                  .setInitialInterval(s1)
                                  .setBackoffCoefficient(2)
                                  .setMaximumAttempts(3)
                                  .build()))
                      .failUntil(0));
        case "v4-non-retryable-type":
          return outcome(
              () ->
                  acts(opts()
                          .setStartToCloseTimeout(s10)
                          .setRetryOptions(RetryOptions.newBuilder().setDoNotRetry("Fatal").build()))
                      .failWith("Fatal", false));
        case "v4-non-retryable-flag":
          return outcome(() -> acts(opts().setStartToCloseTimeout(s10)).failWith("Flagged", true));
        case "v5-schedule-to-start":
          return outcome(
              () ->
                  acts(opts()
                          .setTaskQueue(NOBODY)
                          .setScheduleToStartTimeout(s2)
                          .setStartToCloseTimeout(s2)
                          .setRetryOptions(maxAttempts(1)))
                      .succeed("never"));
        case "v6-start-to-close":
          {
            String result =
                outcome(
                    () ->
                        acts(opts()
                                .setScheduleToStartTimeout(s2)
                                .setStartToCloseTimeout(s2)
                                .setRetryOptions(maxAttempts(1)))
                            .block());
            Workflow.await(() -> finished);
            return result;
          }
        case "v7-heartbeat":
          return outcome(
              () ->
                  acts(opts()
                          .setStartToCloseTimeout(s10)
                          .setHeartbeatTimeout(s1)
                          .setRetryOptions(maxAttempts(1)))
                      .heartbeatThenBlock());
        case "v8-heartbeat-schedule-to-close":
          return outcome(
              () -> acts(opts().setScheduleToCloseTimeout(s2).setHeartbeatTimeout(s1)).heartbeatThenBlock());
        case "v9-start-to-close-schedule-to-close":
          return outcome(
              () ->
                  acts(opts()
                          .setScheduleToCloseTimeout(Duration.ofSeconds(3))
                          .setStartToCloseTimeout(s2)
                          .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(s2).build()))
                      .block());
        case "v10-cancel-before-start":
          return cancelled(
              opts().setTaskQueue(NOBODY).setStartToCloseTimeout(s10),
              a -> Async.function(a::succeed, "never"),
              () -> Workflow.sleep(s1));
        case "v10-cancel-during-backoff":
          return cancelled(
              opts()
                  .setStartToCloseTimeout(s10)
                  .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofHours(1)).build()),
              a -> Async.function(a::failUntil, 0),
              () -> Workflow.sleep(Duration.ofMinutes(10)));
        case "v11-cancel-after-start":
          return cancelled(
              opts().setStartToCloseTimeout(s30).setHeartbeatTimeout(s2),
              a -> Async.function(a::heartbeatUntilCancelled, false),
              () -> Workflow.await(() -> started));
        case "v11-cancel-after-start-then-fail":
          return cancelled(
              opts().setStartToCloseTimeout(s30).setHeartbeatTimeout(s2),
              a -> Async.function(a::heartbeatUntilCancelled, true),
              () -> Workflow.await(() -> started));
        case "v11-cancel-after-start-then-start-to-close":
          return cancelled(
              opts().setStartToCloseTimeout(s2),
              a -> Async.function(a::signalThenBlock),
              () -> Workflow.await(() -> started));
        case "v12-cancel-without-request":
          return acts(opts().setStartToCloseTimeout(s30)).manual();
        case "v13-stale-token":
          return acts(opts()
                  .setStartToCloseTimeout(s30)
                  .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(s1).build()))
              .failFirstThenManual();
        case "v13-stale-token-during-backoff":
          return acts(opts()
                  .setStartToCloseTimeout(s30)
                  .setRetryOptions(
                      RetryOptions.newBuilder().setInitialInterval(Duration.ofMinutes(10)).build()))
              .failFirstThenManual();
        case "v14-complete-by-id":
        case "p32-raw-poll":
          return acts(opts().setTaskQueue(NOBODY).setStartToCloseTimeout(s30))
              .succeed("never");
        case "v15-heartbeat-details-across-retries":
          return acts(opts()
                  .setStartToCloseTimeout(s2)
                  .setRetryOptions(
                      RetryOptions.newBuilder().setInitialInterval(s2).setMaximumAttempts(3).build()))
              .heartbeatDetailsAcrossRetries();
        case "v15-final-timeout-carries-earlier-heartbeat":
          return outcome(
              () ->
                  acts(opts()
                          .setStartToCloseTimeout(s2)
                          .setRetryOptions(
                              RetryOptions.newBuilder().setInitialInterval(s2).setMaximumAttempts(2).build()))
                      .heartbeatOnFirstAttemptThenBlock());
        case "c41-stale-attempt-timer":
          return outcome(
              () ->
                  acts(opts()
                          .setStartToCloseTimeout(s2)
                          .setRetryOptions(
                              RetryOptions.newBuilder().setInitialInterval(s1).setMaximumAttempts(2).build()))
                      .failFirstThenBlock());
        case "c10a-failed-with-no-time-left":
          return outcome(
              () ->
                  acts(opts()
                          .setStartToCloseTimeout(s1)
                          .setScheduleToCloseTimeout(Duration.ofSeconds(3))
                          .setRetryOptions(
                              RetryOptions.newBuilder().setInitialInterval(s2).setBackoffCoefficient(1).build()))
                      .failUntil(0));
        case "c9-schedule-to-close-during-second-attempt":
          return outcome(
              () ->
                  acts(opts()
                          .setScheduleToCloseTimeout(Duration.ofSeconds(4))
                          .setStartToCloseTimeout(s2)
                          .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(s1).build()))
                      .block());
        default:
          throw new IllegalArgumentException(scenario);
      }
    }
  }

  static String describeFailure(ActivityFailure f) {
    Throwable c = f.getCause();
    String cause;
    if (c instanceof TimeoutFailure t) {
      cause = "Timeout:" + t.getTimeoutType();
      if (t.getLastHeartbeatDetails() != null && t.getLastHeartbeatDetails().getSize() > 0) {
        cause += ":hb=" + t.getLastHeartbeatDetails().get(Integer.class);
      }
    } else if (c instanceof ApplicationFailure a) {
      cause = "App:" + a.getType() + ":" + a.getOriginalMessage();
    } else if (c instanceof CanceledFailure) {
      cause = "Canceled";
    } else {
      cause = String.valueOf(c);
    }
    return f.getRetryState() + "|" + cause;
  }

  // ---- harness ------------------------------------------------------------------------------

  private SdkHarness harness;

  @BeforeEach
  void resetSharedState() {
    attempts.clear();
    tokens.clear();
    observations.clear();
    release = new CountDownLatch(1);
    cancelSeen = new CountDownLatch(1);
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    if (harness != null) {
      harness.close();
    }
    current = null;
  }

  private SdkHarness harness() {
    harness = new SdkHarness(ServerOptions.builder().initialTime(EPOCH).build());
    harness.worker.registerWorkflowImplementationTypes(VectorImpl.class);
    harness.worker.registerActivitiesImplementations(new ActsImpl());
    current = harness;
    return harness.start();
  }

  private String run(String scenario) {
    return harness.newStub(Vector.class, scenario).run(scenario);
  }

  private Vector startAsync(String scenario) {
    Vector stub = harness.newStub(Vector.class, scenario);
    WorkflowClient.start(stub::run, scenario);
    return stub;
  }

  private String identity() {
    return harness.client.getOptions().getIdentity();
  }

  private WorkflowServiceBlockingStub rpc() {
    return harness.stubs.blockingStub();
  }

  static DescribeWorkflowExecutionResponse describe(SdkHarness h, String workflowId) {
    return h.stubs
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace("default")
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build());
  }

  static <T> T decode(Payloads payloads, Class<T> type) {
    return GlobalDataConverter.get().fromPayloads(0, Optional.of(payloads), type, type);
  }

  static Payloads encode(Object value) {
    return GlobalDataConverter.get().toPayloads(value).orElseThrow();
  }

  static Instant time(HistoryEvent e) {
    return Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
  }

  static HistoryEvent only(List<HistoryEvent> events, EventType type) {
    List<HistoryEvent> matching = events.stream().filter(e -> e.getEventType() == type).toList();
    assertThat(matching).as("events of type %s", type).hasSize(1);
    return matching.get(0);
  }

  static final List<String> HEAD =
      List.of(
          "WORKFLOW_EXECUTION_STARTED",
          "WORKFLOW_TASK_SCHEDULED",
          "WORKFLOW_TASK_STARTED",
          "WORKFLOW_TASK_COMPLETED",
          "ACTIVITY_TASK_SCHEDULED");
  static final List<String> TAIL =
      List.of(
          "WORKFLOW_TASK_SCHEDULED",
          "WORKFLOW_TASK_STARTED",
          "WORKFLOW_TASK_COMPLETED",
          "WORKFLOW_EXECUTION_COMPLETED");

  /** Asserts the history is HEAD + middle + TAIL and returns it. */
  private List<HistoryEvent> expectHistory(String workflowId, String... middle) {
    List<HistoryEvent> events = harness.history(workflowId);
    List<String> expected = new ArrayList<>(HEAD);
    expected.addAll(List.of(middle));
    expected.addAll(TAIL);
    assertThat(SdkHarness.types(events)).as("history of %s", workflowId).containsExactlyElementsOf(expected);
    return events;
  }

  private static void assertStatus(String what, Runnable call, Status.Code code) {
    assertThatThrownBy(call::run)
        .as(what)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).as(what + " status: " + e.getStatus()).isEqualTo(code));
  }

  private List<HistoryEvent> awaitEvent(String workflowId, EventType type) {
    dev.timewarp.server.Await.until(
        () -> harness.history(workflowId).stream().anyMatch(e -> e.getEventType() == type),
        () -> type + " in the history of " + workflowId);
    return harness.history(workflowId);
  }

  private PendingActivityInfo awaitPending(String workflowId, java.util.function.Predicate<PendingActivityInfo> until) {
    java.util.concurrent.atomic.AtomicReference<PendingActivityInfo> seen = new java.util.concurrent.atomic.AtomicReference<>();
    dev.timewarp.server.Await.until(() -> {
      DescribeWorkflowExecutionResponse d = describe(harness, workflowId);
      if (d.getPendingActivitiesCount() == 1 && until.test(d.getPendingActivities(0))) {
        seen.set(d.getPendingActivities(0));
        return true;
      }
      return false;
    }, () -> "the pending activity of " + workflowId + " in the wanted state");
    return seen.get();
  }

  private static List<Attempt> attemptsOf(String method) {
    return attempts.stream().filter(a -> a.method().equals(method)).toList();
  }

  private static void assertNoFailure(Failure f, String what) {
    assertThat(f).as(what).isEqualTo(Failure.getDefaultInstance());
  }

  // ---- vector 1 -----------------------------------------------------------------------------

  @Test
  void v1_successOnFirstAttempt() {
    harness();
    assertThat(run("v1-success")).isEqualTo("ok:v1");

    List<HistoryEvent> events = expectHistory("v1-success", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_COMPLETED");
    long k = 4; // WorkflowTaskCompleted
    HistoryEvent scheduled = events.get((int) k);
    assertThat(scheduled.getEventId()).isEqualTo(k + 1);
    HistoryEvent startedEvent = events.get(5);
    var started = startedEvent.getActivityTaskStartedEventAttributes();
    assertThat(started.getScheduledEventId()).isEqualTo(k + 1);
    assertThat(started.getAttempt()).isEqualTo(1);
    assertThat(started.getIdentity()).isEqualTo(identity());
    assertThat(started.getRequestId()).isNotEmpty();
    assertThat(started.hasLastFailure()).as("last_failure on attempt 1").isFalse();
    var completed = events.get(6).getActivityTaskCompletedEventAttributes();
    assertThat(events.get(6).getEventId()).isEqualTo(startedEvent.getEventId() + 1);
    assertThat(completed.getScheduledEventId()).isEqualTo(k + 1);
    assertThat(completed.getStartedEventId()).isEqualTo(startedEvent.getEventId());
    assertThat(completed.getIdentity()).isEqualTo(identity());
    assertThat(decode(completed.getResult(), String.class)).isEqualTo("ok:v1");
    assertThat(events.get(7).getEventId()).isEqualTo(startedEvent.getEventId() + 2);
    assertThat(events.get(7).getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);

    // virtual time: nothing waited, so no time was skipped; the poll saw the scheduled time
    Attempt a = attemptsOf("succeed").get(0);
    assertThat(a.scheduled()).isEqualTo(time(scheduled).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    assertThat(a.currentAttemptScheduled()).isEqualTo(a.scheduled());
    assertThat(Duration.between(EPOCH, time(events.get(events.size() - 1)))).isLessThan(Duration.ofSeconds(5));

    // §16.12: any call with the token after the workflow completed is NotFound
    assertStatus(
        "heartbeat after the workflow completed",
        () ->
            rpc().recordActivityTaskHeartbeat(
                RecordActivityTaskHeartbeatRequest.newBuilder()
                    .setNamespace("default")
                    .setTaskToken(ByteString.copyFrom(a.token()))
                    .setIdentity("late")
                    .build()),
        Status.Code.NOT_FOUND);
  }

  // ---- vector 2 -----------------------------------------------------------------------------

  @Test
  void v2_twoRetryableFailuresThenSuccess_backoff1sThen2s_onlyLastAttemptInHistory() {
    harness();
    assertThat(run("v2-retries")).isEqualTo("succeeded on attempt 3");

    List<HistoryEvent> events =
        expectHistory("v2-retries", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_COMPLETED");
    HistoryEvent scheduled = events.get(4);
    HistoryEvent startedEvent = events.get(5);
    var started = startedEvent.getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(3);
    assertThat(started.getIdentity()).isEqualTo(identity());
    assertThat(started.getLastFailure().getMessage()).isEqualTo("fail #2");
    assertThat(started.getLastFailure().getApplicationFailureInfo().getType()).isEqualTo("Boom");
    var completed = events.get(6).getActivityTaskCompletedEventAttributes();
    assertThat(completed.getStartedEventId()).isEqualTo(startedEvent.getEventId());
    assertThat(completed.getScheduledEventId()).isEqualTo(scheduled.getEventId());

    List<Attempt> runs = attemptsOf("failUntil");
    assertThat(runs).extracting(Attempt::attempt).containsExactly(1, 2, 3);
    Instant scheduledAt = time(scheduled).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    assertThat(runs).extracting(Attempt::scheduled).containsOnly(scheduledAt);
    assertThat(runs.get(0).currentAttemptScheduled()).isEqualTo(scheduledAt);
    // attempt 2 due 1 s after attempt 1 failed; attempt 3 due 2 s after attempt 2 failed (no jitter)
    assertThat(Duration.between(runs.get(0).at(), runs.get(1).currentAttemptScheduled()))
        .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(1).plus(SLACK));
    assertThat(Duration.between(runs.get(1).at(), runs.get(2).currentAttemptScheduled()))
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(SLACK));
    // the Started event carries the real start time of the last attempt
    assertThat(time(startedEvent).truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).isEqualTo(runs.get(2).started());
    assertThat(runs.get(2).started()).isAfterOrEqualTo(runs.get(2).currentAttemptScheduled());
  }

  // ---- vector 3 -----------------------------------------------------------------------------

  @Test
  void v3_maxAttempts3AllFail_failedWithMaximumAttemptsReached() {
    harness();
    assertThat(run("v3-max-attempts")).isEqualTo("RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED|App:Boom:fail #3");

    List<HistoryEvent> events =
        expectHistory("v3-max-attempts", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_FAILED");
    HistoryEvent startedEvent = events.get(5);
    var started = startedEvent.getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(3);
    assertThat(started.getLastFailure().getMessage()).isEqualTo("fail #2");
    var failed = events.get(6).getActivityTaskFailedEventAttributes();
    assertThat(failed.getScheduledEventId()).isEqualTo(events.get(4).getEventId());
    assertThat(failed.getStartedEventId()).isEqualTo(startedEvent.getEventId());
    assertThat(failed.getFailure().getMessage()).isEqualTo("fail #3");
    assertThat(failed.getFailure().getApplicationFailureInfo().getType()).isEqualTo("Boom");
    assertThat(failed.getRetryState()).isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    assertThat(failed.getIdentity()).isEqualTo(identity());

    List<Attempt> runs = attemptsOf("failUntil");
    assertThat(runs).extracting(Attempt::attempt).containsExactly(1, 2, 3);
    assertThat(Duration.between(runs.get(0).at(), runs.get(1).currentAttemptScheduled()))
        .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(1).plus(SLACK));
    assertThat(Duration.between(runs.get(1).at(), runs.get(2).currentAttemptScheduled()))
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(SLACK));
  }

  // ---- vector 4 -----------------------------------------------------------------------------

  @Test
  void v4_nonRetryableTypeListedInPolicy_failsAfterOneAttempt() {
    harness();
    assertThat(run("v4-non-retryable-type"))
        .isEqualTo("RETRY_STATE_NON_RETRYABLE_FAILURE|App:Fatal:failure of type Fatal");

    List<HistoryEvent> events =
        expectHistory("v4-non-retryable-type", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_FAILED");
    assertThat(events.get(4).getActivityTaskScheduledEventAttributes().getRetryPolicy().getNonRetryableErrorTypesList())
        .containsExactly("Fatal");
    var started = events.get(5).getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(1);
    assertThat(started.hasLastFailure()).isFalse();
    var failed = events.get(6).getActivityTaskFailedEventAttributes();
    assertThat(failed.getStartedEventId()).isEqualTo(events.get(5).getEventId());
    assertThat(failed.getRetryState()).isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
    assertThat(failed.getFailure().getApplicationFailureInfo().getType()).isEqualTo("Fatal");
    assertThat(attemptsOf("failWith")).hasSize(1);
  }

  @Test
  void v4_nonRetryableFlag_failsAfterOneAttempt() {
    harness();
    assertThat(run("v4-non-retryable-flag"))
        .isEqualTo("RETRY_STATE_NON_RETRYABLE_FAILURE|App:Flagged:non-retryable Flagged");

    List<HistoryEvent> events =
        expectHistory("v4-non-retryable-flag", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_FAILED");
    assertThat(events.get(5).getActivityTaskStartedEventAttributes().getAttempt()).isEqualTo(1);
    var failed = events.get(6).getActivityTaskFailedEventAttributes();
    assertThat(failed.getStartedEventId()).isEqualTo(events.get(5).getEventId());
    assertThat(failed.getRetryState()).isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
    assertThat(failed.getFailure().getApplicationFailureInfo().getNonRetryable()).isTrue();
    assertThat(attemptsOf("failWith")).hasSize(1);
  }

  // ---- vector 5 -----------------------------------------------------------------------------

  @Test
  void v5_scheduleToStartWithNoWorker_timedOutWithoutStarted() {
    harness();
    assertThat(run("v5-schedule-to-start")).isEqualTo("RETRY_STATE_TIMEOUT|Timeout:TIMEOUT_TYPE_SCHEDULE_TO_START");

    List<HistoryEvent> events = expectHistory("v5-schedule-to-start", "ACTIVITY_TASK_TIMED_OUT");
    HistoryEvent scheduled = events.get(4);
    HistoryEvent timedOutEvent = events.get(5);
    var timedOut = timedOutEvent.getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getScheduledEventId()).isEqualTo(scheduled.getEventId());
    assertThat(timedOut.getStartedEventId()).isEqualTo(0);
    assertThat(timedOut.getRetryState()).isEqualTo(RetryState.RETRY_STATE_TIMEOUT);
    Failure failure = timedOut.getFailure();
    assertThat(failure.getMessage()).isEqualTo("activity ScheduleToStart timeout");
    assertThat(failure.getSource()).isEqualTo("Server");
    assertThat(failure.getTimeoutFailureInfo().getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START);
    assertThat(failure.hasCause()).isFalse();
    assertThat(events.get(6).getEventId()).isEqualTo(timedOutEvent.getEventId() + 1);
    // virtual time: exactly 2 s after scheduling, reached by skipping
    assertThat(Duration.between(time(scheduled), time(timedOutEvent)))
        .isBetween(Duration.ofSeconds(2), Duration.ofMillis(2200));
    assertThat(attempts).isEmpty();
  }

  // ---- vector 6 -----------------------------------------------------------------------------

  @Test
  void v6_startToCloseMaxAttempts1_timedOut_laterCompletionIsNotFound() throws Exception {
    harness();
    Vector stub = startAsync("v6-start-to-close");
    List<HistoryEvent> events = awaitEvent("v6-start-to-close", EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);

    // the worker's late completion of the timed-out attempt is refused
    byte[] token = tokens.poll(10, TimeUnit.SECONDS);
    assertThat(token).isNotNull();
    assertStatus(
        "late RespondActivityTaskCompleted",
        () ->
            rpc().respondActivityTaskCompleted(
                RespondActivityTaskCompletedRequest.newBuilder()
                    .setNamespace("default")
                    .setTaskToken(ByteString.copyFrom(token))
                    .setIdentity("late-worker")
                    .setResult(encode("too late"))
                    .build()),
        Status.Code.NOT_FOUND);

    stub.finish();
    assertThat(WorkflowStub.fromTyped(stub).getResult(String.class))
        .isEqualTo("RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED|Timeout:TIMEOUT_TYPE_START_TO_CLOSE");

    events = harness.history("v6-start-to-close");
    List<String> expected = new ArrayList<>(HEAD);
    expected.addAll(List.of("ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_TIMED_OUT"));
    expected.addAll(
        List.of(
            "WORKFLOW_TASK_SCHEDULED",
            "WORKFLOW_TASK_STARTED",
            "WORKFLOW_TASK_COMPLETED",
            "WORKFLOW_EXECUTION_SIGNALED",
            "WORKFLOW_TASK_SCHEDULED",
            "WORKFLOW_TASK_STARTED",
            "WORKFLOW_TASK_COMPLETED",
            "WORKFLOW_EXECUTION_COMPLETED"));
    assertThat(SdkHarness.types(events)).containsExactlyElementsOf(expected);
    HistoryEvent startedEvent = events.get(5);
    assertThat(startedEvent.getActivityTaskStartedEventAttributes().getAttempt()).isEqualTo(1);
    var timedOut = events.get(6).getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getScheduledEventId()).isEqualTo(events.get(4).getEventId());
    assertThat(timedOut.getStartedEventId()).isEqualTo(startedEvent.getEventId());
    assertThat(timedOut.getRetryState()).isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    assertThat(timedOut.getFailure().getMessage()).isEqualTo("activity StartToClose timeout");
    assertThat(timedOut.getFailure().getSource()).isEqualTo("Server");
    assertThat(timedOut.getFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    assertThat(timedOut.getFailure().hasCause()).isFalse();
    assertThat(Duration.between(time(startedEvent), time(events.get(6))))
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(SLACK));
    assertThat(attemptsOf("block")).hasSize(1);
  }

  // ---- vector 7 -----------------------------------------------------------------------------

  @Test
  void v7_heartbeatTimeoutMaxAttempts1_carriesLastHeartbeatDetails() {
    harness();
    assertThat(run("v7-heartbeat"))
        .isEqualTo("RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED|Timeout:TIMEOUT_TYPE_HEARTBEAT:hb=2");

    List<HistoryEvent> events = expectHistory("v7-heartbeat", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_TIMED_OUT");
    HistoryEvent startedEvent = events.get(5);
    assertThat(startedEvent.getActivityTaskStartedEventAttributes().getAttempt()).isEqualTo(1);
    var timedOut = events.get(6).getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getStartedEventId()).isEqualTo(startedEvent.getEventId());
    assertThat(timedOut.getRetryState()).isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    Failure failure = timedOut.getFailure();
    assertThat(failure.getMessage()).isEqualTo("activity Heartbeat timeout");
    assertThat(failure.getTimeoutFailureInfo().getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    assertThat(decode(failure.getTimeoutFailureInfo().getLastHeartbeatDetails(), Integer.class)).isEqualTo(2);
    // the heartbeat timeout (1 s after the last heartbeat), long before StartToClose (10 s)
    assertThat(Duration.between(time(startedEvent), time(events.get(6))))
        .isBetween(Duration.ofSeconds(1), Duration.ofMillis(2600));
  }

  // ---- vector 8 -----------------------------------------------------------------------------

  @Test
  void v8_heartbeatTimeoutWithNoTimeLeftBeforeScheduleToClose_becomesScheduleToCloseTimeout() {
    harness();
    assertThat(run("v8-heartbeat-schedule-to-close"))
        .isEqualTo("RETRY_STATE_TIMEOUT|Timeout:TIMEOUT_TYPE_SCHEDULE_TO_CLOSE:hb=2");

    List<HistoryEvent> events =
        expectHistory("v8-heartbeat-schedule-to-close", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_TIMED_OUT");
    HistoryEvent startedEvent = events.get(5);
    assertThat(startedEvent.getActivityTaskStartedEventAttributes().getAttempt()).isEqualTo(1);
    var timedOut = events.get(6).getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getStartedEventId()).isEqualTo(startedEvent.getEventId());
    assertThat(timedOut.getRetryState()).isEqualTo(RetryState.RETRY_STATE_TIMEOUT);
    Failure failure = timedOut.getFailure();
    assertThat(failure.getMessage()).isEqualTo(NOT_ENOUGH_TIME);
    assertThat(failure.getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE);
    assertThat(decode(failure.getTimeoutFailureInfo().getLastHeartbeatDetails(), Integer.class)).isEqualTo(2);
    assertThat(failure.hasCause()).as("no earlier attempt, so no cause").isFalse();
    assertThat(Duration.between(time(events.get(4)), time(events.get(6))))
        .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2).plus(Duration.ofMillis(200)));
    assertThat(attemptsOf("heartbeatThenBlock")).hasSize(1);
  }

  // ---- vector 9 -----------------------------------------------------------------------------

  @Test
  void v9_startToCloseWithNoTimeLeftForRetry_becomesScheduleToCloseTimeoutAtStartToClose() {
    harness();
    assertThat(run("v9-start-to-close-schedule-to-close"))
        .isEqualTo("RETRY_STATE_TIMEOUT|Timeout:TIMEOUT_TYPE_SCHEDULE_TO_CLOSE");

    List<HistoryEvent> events =
        expectHistory("v9-start-to-close-schedule-to-close", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_TIMED_OUT");
    HistoryEvent startedEvent = events.get(5);
    assertThat(startedEvent.getActivityTaskStartedEventAttributes().getAttempt()).isEqualTo(1);
    var timedOut = events.get(6).getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getStartedEventId()).isEqualTo(startedEvent.getEventId());
    assertThat(timedOut.getRetryState()).isEqualTo(RetryState.RETRY_STATE_TIMEOUT);
    assertThat(timedOut.getFailure().getMessage()).isEqualTo(NOT_ENOUGH_TIME);
    assertThat(timedOut.getFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE);
    assertThat(timedOut.getFailure().hasCause()).isFalse();
    // decided when StartToClose fired (≈2 s), not at the 3 s ScheduleToClose deadline
    assertThat(Duration.between(time(startedEvent), time(events.get(6))))
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(SLACK));
    assertThat(Duration.between(time(events.get(4)), time(events.get(6)))).isLessThan(Duration.ofSeconds(3));
    assertThat(attemptsOf("block")).hasSize(1);
  }

  // ---- vector 10 ----------------------------------------------------------------------------

  private List<HistoryEvent> assertCancelledBeforeStart(String workflowId) {
    List<HistoryEvent> events = harness.history(workflowId);
    assertThat(SdkHarness.types(events))
        .containsExactly(
            "WORKFLOW_EXECUTION_STARTED",
            "WORKFLOW_TASK_SCHEDULED",
            "WORKFLOW_TASK_STARTED",
            "WORKFLOW_TASK_COMPLETED",
            "ACTIVITY_TASK_SCHEDULED",
            "TIMER_STARTED",
            "TIMER_FIRED",
            "WORKFLOW_TASK_SCHEDULED",
            "WORKFLOW_TASK_STARTED",
            "WORKFLOW_TASK_COMPLETED",
            "ACTIVITY_TASK_CANCEL_REQUESTED",
            "ACTIVITY_TASK_CANCELED",
            "WORKFLOW_TASK_SCHEDULED",
            "WORKFLOW_TASK_STARTED",
            "WORKFLOW_TASK_COMPLETED",
            "WORKFLOW_EXECUTION_COMPLETED");
    HistoryEvent scheduled = events.get(4);
    HistoryEvent wftCompleted = events.get(9);
    HistoryEvent requested = events.get(10);
    var req = requested.getActivityTaskCancelRequestedEventAttributes();
    assertThat(req.getScheduledEventId()).isEqualTo(scheduled.getEventId());
    assertThat(req.getWorkflowTaskCompletedEventId()).isEqualTo(wftCompleted.getEventId());
    var canceled = events.get(11).getActivityTaskCanceledEventAttributes();
    assertThat(canceled.getScheduledEventId()).isEqualTo(scheduled.getEventId());
    assertThat(canceled.getStartedEventId()).isEqualTo(0);
    assertThat(canceled.getLatestCancelRequestedEventId()).isEqualTo(requested.getEventId());
    assertThat(canceled.getDetails().getPayloadsCount()).isEqualTo(1);
    assertThat(decode(canceled.getDetails(), String.class)).isEqualTo("ACTIVITY_ID_NOT_STARTED");
    assertThat(canceled.getIdentity()).isEqualTo(identity());
    return events;
  }

  @Test
  void v10_cancelBeforeStart_canceledAtOnceWithNotStartedDetails() {
    harness();
    assertThat(run("v10-cancel-before-start")).endsWith("|Canceled"); // the SDK builds this ActivityFailure itself (no retry state)

    List<HistoryEvent> events = assertCancelledBeforeStart("v10-cancel-before-start");
    // the cancel happened when the 1 s timer fired: reached by skipping, and nothing waited after
    assertThat(Duration.between(time(events.get(4)), time(events.get(10))))
        .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(1).plus(SLACK));
    assertThat(attempts).isEmpty();
    // the queued matching task was dropped: a poller on that queue now gets an empty response
    var poll =
        rpc()
            .withDeadlineAfter(3, TimeUnit.SECONDS)
            .pollActivityTaskQueue(
                PollActivityTaskQueueRequest.newBuilder()
                    .setNamespace("default")
                    .setTaskQueue(TaskQueue.newBuilder().setName(NOBODY))
                    .setIdentity("late-poller")
                    .build());
    assertThat(poll.getTaskToken()).as("task token handed to a late poller").isEmpty();
  }

  @Test
  void v10_cancelDuringRetryBackoff_canceledAtOnceAndRetryNeverRuns() {
    harness();
    assertThat(run("v10-cancel-during-backoff")).endsWith("|Canceled"); // the SDK builds this ActivityFailure itself (no retry state)

    List<HistoryEvent> events = assertCancelledBeforeStart("v10-cancel-during-backoff");
    assertThat(attemptsOf("failUntil")).extracting(Attempt::attempt).containsExactly(1);
    // cancelled at the 10 min timer, well before the 1 h retry
    assertThat(Duration.between(time(events.get(4)), time(events.get(10))))
        .isBetween(Duration.ofMinutes(10), Duration.ofMinutes(10).plus(SLACK));
    assertThat(harness.server.clock().now()).isBefore(EPOCH.plus(Duration.ofHours(1)));
  }

  // ---- vector 11 ----------------------------------------------------------------------------

  private List<HistoryEvent> expectCancelAfterStart(String workflowId, String closing) {
    List<HistoryEvent> events = harness.history(workflowId);
    assertThat(SdkHarness.types(events))
        .containsExactly(
            "WORKFLOW_EXECUTION_STARTED",
            "WORKFLOW_TASK_SCHEDULED",
            "WORKFLOW_TASK_STARTED",
            "WORKFLOW_TASK_COMPLETED",
            "ACTIVITY_TASK_SCHEDULED",
            "WORKFLOW_EXECUTION_SIGNALED",
            "WORKFLOW_TASK_SCHEDULED",
            "WORKFLOW_TASK_STARTED",
            "WORKFLOW_TASK_COMPLETED",
            "ACTIVITY_TASK_CANCEL_REQUESTED",
            "ACTIVITY_TASK_STARTED",
            closing,
            "WORKFLOW_TASK_SCHEDULED",
            "WORKFLOW_TASK_STARTED",
            "WORKFLOW_TASK_COMPLETED",
            "WORKFLOW_EXECUTION_COMPLETED");
    var req = events.get(9).getActivityTaskCancelRequestedEventAttributes();
    assertThat(req.getScheduledEventId()).isEqualTo(events.get(4).getEventId());
    assertThat(req.getWorkflowTaskCompletedEventId()).isEqualTo(events.get(8).getEventId());
    var started = events.get(10).getActivityTaskStartedEventAttributes();
    assertThat(started.getScheduledEventId()).isEqualTo(events.get(4).getEventId());
    assertThat(started.getAttempt()).isEqualTo(1);
    assertThat(started.getIdentity()).isEqualTo(identity());
    return events;
  }

  @Test
  void v11_cancelAfterStart_heartbeatLearnsIt_respondCanceledWritesStartedAndCanceled() throws Exception {
    harness();
    assertThat(run("v11-cancel-after-start")).endsWith("|Canceled"); // the SDK builds this ActivityFailure itself (no retry state)
    assertThat(cancelSeen.await(0, TimeUnit.SECONDS)).as("heartbeat returned cancel_requested").isTrue();

    List<HistoryEvent> events = expectCancelAfterStart("v11-cancel-after-start", "ACTIVITY_TASK_CANCELED");
    var canceled = events.get(11).getActivityTaskCanceledEventAttributes();
    assertThat(canceled.getScheduledEventId()).isEqualTo(events.get(4).getEventId());
    assertThat(canceled.getStartedEventId()).isEqualTo(events.get(10).getEventId());
    assertThat(canceled.getLatestCancelRequestedEventId()).isEqualTo(events.get(9).getEventId());
    assertThat(canceled.getIdentity()).isEqualTo(identity());
    assertThat(attemptsOf("heartbeatUntilCancelled")).hasSize(1);
  }

  @Test
  void v11_cancelAfterStart_workerFailureWithRetriesLeft_failedWithCancelRequested() throws Exception {
    harness();
    assertThat(run("v11-cancel-after-start-then-fail"))
        .isEqualTo("RETRY_STATE_CANCEL_REQUESTED|App:AfterCancel:gave up after cancel");
    assertThat(cancelSeen.await(0, TimeUnit.SECONDS)).isTrue();

    List<HistoryEvent> events =
        expectCancelAfterStart("v11-cancel-after-start-then-fail", "ACTIVITY_TASK_FAILED");
    var failed = events.get(11).getActivityTaskFailedEventAttributes();
    assertThat(failed.getStartedEventId()).isEqualTo(events.get(10).getEventId());
    assertThat(failed.getRetryState()).isEqualTo(RetryState.RETRY_STATE_CANCEL_REQUESTED);
    assertThat(failed.getFailure().getMessage()).isEqualTo("gave up after cancel");
    assertThat(attemptsOf("heartbeatUntilCancelled")).hasSize(1);
  }

  @Test
  void v11_cancelAfterStart_startToCloseElapses_timedOutWithCancelRequested() {
    harness();
    assertThat(run("v11-cancel-after-start-then-start-to-close"))
        .isEqualTo("RETRY_STATE_CANCEL_REQUESTED|Timeout:TIMEOUT_TYPE_START_TO_CLOSE");

    List<HistoryEvent> events =
        expectCancelAfterStart("v11-cancel-after-start-then-start-to-close", "ACTIVITY_TASK_TIMED_OUT");
    var timedOut = events.get(11).getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getStartedEventId()).isEqualTo(events.get(10).getEventId());
    assertThat(timedOut.getRetryState()).isEqualTo(RetryState.RETRY_STATE_CANCEL_REQUESTED);
    assertThat(timedOut.getFailure().getMessage()).isEqualTo("activity StartToClose timeout");
    assertThat(timedOut.getFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    assertThat(Duration.between(time(events.get(10)), time(events.get(11))))
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(SLACK));
    assertThat(attemptsOf("signalThenBlock")).hasSize(1);
  }

  // ---- vector 12 ----------------------------------------------------------------------------

  @Test
  void v12_respondCanceledWithoutRequest_invalidArgumentAndStateUnchanged() throws Exception {
    harness();
    Vector stub = startAsync("v12-cancel-without-request");
    byte[] token = tokens.poll(10, TimeUnit.SECONDS);
    assertThat(token).isNotNull();

    assertThatThrownBy(
            () ->
                rpc().respondActivityTaskCanceled(
                    RespondActivityTaskCanceledRequest.newBuilder()
                        .setNamespace("default")
                        .setTaskToken(ByteString.copyFrom(token))
                        .setIdentity("tester")
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("unable to mark activity as canceled without activity being request canceled first");
            });

    PendingActivityInfo pending = describe(harness, "v12-cancel-without-request").getPendingActivities(0);
    assertThat(pending.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    assertThat(pending.getAttempt()).isEqualTo(1);

    // the same token still completes the activity
    harness.client.newActivityCompletionClient().complete(token, "completed after refused cancel");
    assertThat(WorkflowStub.fromTyped(stub).getResult(String.class)).isEqualTo("completed after refused cancel");
    List<HistoryEvent> events =
        expectHistory("v12-cancel-without-request", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_COMPLETED");
    assertThat(events.get(6).getActivityTaskCompletedEventAttributes().getStartedEventId())
        .isEqualTo(events.get(5).getEventId());
  }

  // ---- vector 13 ----------------------------------------------------------------------------

  private void assertAllStaleCallsNotFound(byte[] staleToken) {
    ByteString t = ByteString.copyFrom(staleToken);
    assertStatus(
        "heartbeat with stale token",
        () ->
            rpc().recordActivityTaskHeartbeat(
                RecordActivityTaskHeartbeatRequest.newBuilder()
                    .setNamespace("default")
                    .setTaskToken(t)
                    .setIdentity("stale")
                    .setDetails(encode(1))
                    .build()),
        Status.Code.NOT_FOUND);
    assertStatus(
        "complete with stale token",
        () ->
            rpc().respondActivityTaskCompleted(
                RespondActivityTaskCompletedRequest.newBuilder()
                    .setNamespace("default")
                    .setTaskToken(t)
                    .setIdentity("stale")
                    .setResult(encode("stale result"))
                    .build()),
        Status.Code.NOT_FOUND);
    assertStatus(
        "fail with stale token",
        () ->
            rpc().respondActivityTaskFailed(
                RespondActivityTaskFailedRequest.newBuilder()
                    .setNamespace("default")
                    .setTaskToken(t)
                    .setIdentity("stale")
                    .setFailure(
                        Failure.newBuilder()
                            .setMessage("stale failure")
                            .setApplicationFailureInfo(ApplicationFailureInfo.newBuilder().setType("Stale")))
                    .build()),
        Status.Code.NOT_FOUND);
    assertStatus(
        "cancel with stale token",
        () ->
            rpc().respondActivityTaskCanceled(
                RespondActivityTaskCanceledRequest.newBuilder()
                    .setNamespace("default")
                    .setTaskToken(t)
                    .setIdentity("stale")
                    .build()),
        Status.Code.NOT_FOUND);
  }

  @Test
  void v13_attempt1TokenAfterAttempt2Started_isNotFoundForEveryCall() throws Exception {
    harness();
    Vector stub = startAsync("v13-stale-token");
    byte[] token1 = tokens.poll(10, TimeUnit.SECONDS);
    byte[] token2 = tokens.poll(10, TimeUnit.SECONDS);
    assertThat(token1).isNotNull();
    assertThat(token2).isNotNull();
    assertThat(attemptsOf("failFirstThenManual")).extracting(Attempt::attempt).containsExactly(1, 2);

    assertAllStaleCallsNotFound(token1);

    PendingActivityInfo pending = describe(harness, "v13-stale-token").getPendingActivities(0);
    assertThat(pending.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    assertThat(pending.getAttempt()).isEqualTo(2);

    harness.client.newActivityCompletionClient().complete(token2, "attempt 2 result");
    assertThat(WorkflowStub.fromTyped(stub).getResult(String.class)).isEqualTo("attempt 2 result");
    List<HistoryEvent> events =
        expectHistory("v13-stale-token", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_COMPLETED");
    var started = events.get(5).getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(2);
    assertThat(started.getLastFailure().getMessage()).isEqualTo("first attempt fails");
  }

  @Test
  void v13_attempt1TokenDuringBackoff_isNotFoundForEveryCall() throws Exception {
    harness();
    TimeLock lock = harness.server.clock().lock(); // keep the 10 min backoff from being skipped
    Vector stub;
    try {
      stub = startAsync("v13-stale-token-during-backoff");
      byte[] token1 = tokens.poll(10, TimeUnit.SECONDS);
      assertThat(token1).isNotNull();
      PendingActivityInfo pending =
          awaitPending("v13-stale-token-during-backoff", p -> p.getAttempt() == 2);
      assertThat(pending.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);

      assertAllStaleCallsNotFound(token1);
      assertThat(attemptsOf("failFirstThenManual")).hasSize(1);
    } finally {
      lock.close();
    }
    // released: the backoff is skipped and attempt 2 runs
    byte[] token2 = tokens.poll(10, TimeUnit.SECONDS);
    assertThat(token2).isNotNull();
    List<Attempt> runs = attemptsOf("failFirstThenManual");
    assertThat(runs).extracting(Attempt::attempt).containsExactly(1, 2);
    assertThat(Duration.between(runs.get(0).at(), runs.get(1).currentAttemptScheduled()))
        .isBetween(Duration.ofMinutes(10), Duration.ofMinutes(10).plus(SLACK));
    harness.client.newActivityCompletionClient().complete(token2, "attempt 2 result");
    assertThat(WorkflowStub.fromTyped(stub).getResult(String.class)).isEqualTo("attempt 2 result");
  }

  // ---- vector 14 ----------------------------------------------------------------------------

  @Test
  void v14_completeByIdBeforeAnyPoll_fabricatesStartedWithCallerIdentity() throws Exception {
    harness();
    String wf = "v14-complete-by-id";
    Vector stub = startAsync(wf);
    PendingActivityInfo pending = awaitPending(wf, p -> true);
    String activityId = pending.getActivityId(); // the SDK numbers activities; the first is "1"
    assertThat(activityId).isNotEmpty();
    assertThat(pending.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);

    // §6.1 / §16.13: heartbeat and fail by id need a started activity
    assertStatus(
        "heartbeat by id before start",
        () ->
            rpc().recordActivityTaskHeartbeatById(
                RecordActivityTaskHeartbeatByIdRequest.newBuilder()
                    .setNamespace("default")
                    .setWorkflowId(wf)
                    .setActivityId(activityId)
                    .setIdentity("completer-14")
                    .build()),
        Status.Code.NOT_FOUND);
    assertStatus(
        "fail by id before start",
        () ->
            rpc().respondActivityTaskFailedById(
                RespondActivityTaskFailedByIdRequest.newBuilder()
                    .setNamespace("default")
                    .setWorkflowId(wf)
                    .setActivityId(activityId)
                    .setIdentity("completer-14")
                    .setFailure(
                        Failure.newBuilder()
                            .setMessage("no")
                            .setApplicationFailureInfo(ApplicationFailureInfo.newBuilder().setType("No")))
                    .build()),
        Status.Code.NOT_FOUND);

    rpc().respondActivityTaskCompletedById(
        RespondActivityTaskCompletedByIdRequest.newBuilder()
            .setNamespace("default")
            .setWorkflowId(wf)
            .setActivityId(activityId)
            .setIdentity("completer-14")
            .setResult(encode("by-id"))
            .build());

    assertThat(WorkflowStub.fromTyped(stub).getResult(String.class)).isEqualTo("by-id");
    List<HistoryEvent> events = expectHistory(wf, "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_COMPLETED");
    HistoryEvent scheduled = events.get(4);
    var started = events.get(5).getActivityTaskStartedEventAttributes();
    assertThat(started.getScheduledEventId()).isEqualTo(scheduled.getEventId());
    assertThat(started.getAttempt()).isEqualTo(1);
    assertThat(started.getIdentity()).isEqualTo("completer-14");
    assertThat(started.getRequestId()).isEmpty();
    // the fabricated start happens at the completion instant, after the scheduling
    assertThat(time(events.get(5))).isAfterOrEqualTo(time(scheduled));
    assertThat(Duration.between(time(events.get(5)), time(events.get(6))).abs()).isLessThan(SLACK);
    assertThat(started.hasLastFailure()).isFalse();
    var completed = events.get(6).getActivityTaskCompletedEventAttributes();
    assertThat(completed.getScheduledEventId()).isEqualTo(scheduled.getEventId());
    assertThat(completed.getStartedEventId()).isEqualTo(events.get(5).getEventId());
    assertThat(completed.getIdentity()).isEqualTo("completer-14");
    assertThat(decode(completed.getResult(), String.class)).isEqualTo("by-id");
    assertThat(attempts).isEmpty();
  }

  // ---- vector 15 ----------------------------------------------------------------------------

  @Test
  void v15_heartbeatDetailsSurviveStartToCloseRetry() {
    harness();
    assertThat(run("v15-heartbeat-details-across-retries")).isEqualTo("attempt 2 done");

    List<Attempt> runs = attemptsOf("heartbeatDetailsAcrossRetries");
    assertThat(runs).extracting(Attempt::attempt).containsExactly(1, 2);
    assertThat(runs.get(0).heartbeatDetails()).isEmpty();
    // the attempt-2 poll response carries attempt 1's heartbeat details
    assertThat(runs.get(1).heartbeatDetails()).isPresent();
    assertThat(decode(runs.get(1).heartbeatDetails().get(), Integer.class)).isEqualTo(7771);
    assertThat(observations)
        .containsExactly(
            "attempt1 describe: attempt=1 details=7771",
            "attempt2 getHeartbeatDetails: 7771",
            "attempt2 describe: attempt=2 details=7771");
    // StC fired 2 s after attempt 1 started, then 2 s of backoff
    assertThat(Duration.between(runs.get(0).started(), runs.get(1).currentAttemptScheduled()))
        .isBetween(Duration.ofSeconds(4), Duration.ofSeconds(4).plus(SLACK));

    List<HistoryEvent> events =
        expectHistory("v15-heartbeat-details-across-retries", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_COMPLETED");
    var started = events.get(5).getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(2);
    assertThat(started.getLastFailure().getMessage()).isEqualTo("activity StartToClose timeout");
    assertThat(started.getLastFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
  }

  @Test
  void v15_describeDuringBackoffStillShowsHeartbeatDetails() throws Exception {
    harness();
    String wf = "v15-heartbeat-details-across-retries";
    Vector stub;
    TimeLock lock = harness.server.clock().lock(); // hold time so the backoff can be observed
    try {
      stub = startAsync(wf);
      PendingActivityInfo p =
          awaitPending(
              wf,
              x -> x.getAttempt() == 2 && x.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
      assertThat(p.hasHeartbeatDetails()).as("heartbeat details during backoff").isTrue();
      assertThat(decode(p.getHeartbeatDetails(), Integer.class)).isEqualTo(7771);
      assertThat(p.getLastFailure().getTimeoutFailureInfo().getTimeoutType())
          .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
      // §16.18: during backoff next_attempt_schedule_time is set and last_started_time is null
      assertThat(p.hasNextAttemptScheduleTime()).isTrue();
      assertThat(p.hasLastStartedTime()).as("last_started_time during backoff").isFalse();
    } finally {
      lock.close();
    }
    assertThat(WorkflowStub.fromTyped(stub).getResult(String.class)).isEqualTo("attempt 2 done");
    assertThat(observations).contains("attempt2 getHeartbeatDetails: 7771");
  }

  @Test
  void v15_finalTimeoutOfLaterAttemptCarriesEarlierAttemptsHeartbeatAndCause() {
    harness();
    String wf = "v15-final-timeout-carries-earlier-heartbeat";
    assertThat(run(wf)).isEqualTo("RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED|Timeout:TIMEOUT_TYPE_START_TO_CLOSE:hb=7771");

    List<HistoryEvent> events = expectHistory(wf, "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_TIMED_OUT");
    var started = events.get(5).getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(2);
    assertThat(started.getLastFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    var timedOut = events.get(6).getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getStartedEventId()).isEqualTo(events.get(5).getEventId());
    assertThat(timedOut.getRetryState()).isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    Failure failure = timedOut.getFailure();
    assertThat(failure.getMessage()).isEqualTo("activity StartToClose timeout");
    // §4.2: last_heartbeat_details from any attempt; cause = the failure that caused the retry
    assertThat(decode(failure.getTimeoutFailureInfo().getLastHeartbeatDetails(), Integer.class)).isEqualTo(7771);
    assertThat(failure.getCause().getMessage()).isEqualTo("activity StartToClose timeout");
    assertThat(failure.getCause().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    assertThat(Duration.between(time(events.get(5)), time(events.get(6))))
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(SLACK));
  }

  @Test
  void c4_1_startToCloseTimerOfAFailedAttemptDoesNotCutTheRetryShort() {
    harness();
    String wf = "c41-stale-attempt-timer";
    assertThat(run(wf)).isEqualTo("RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED|Timeout:TIMEOUT_TYPE_START_TO_CLOSE");

    List<HistoryEvent> events = expectHistory(wf, "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_TIMED_OUT");
    var started = events.get(5).getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(2);
    assertThat(started.getLastFailure().getMessage()).isEqualTo("fail #1");
    var timedOut = events.get(6).getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getRetryState()).isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    assertThat(timedOut.getFailure().getMessage()).isEqualTo("activity StartToClose timeout");
    assertThat(timedOut.getFailure().getCause().getMessage()).isEqualTo("fail #1");
    // attempt 2 gets its full 2 s; attempt 1's deadline (1 s into attempt 2) is ignored
    assertThat(Duration.between(time(events.get(5)), time(events.get(6))))
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(SLACK));
    List<Attempt> runs = attemptsOf("failFirstThenBlock");
    assertThat(runs).extracting(Attempt::attempt).containsExactly(1, 2);
    assertThat(Duration.between(runs.get(0).at(), runs.get(1).currentAttemptScheduled()))
        .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(1).plus(SLACK));
  }

  // ---- §3.2 / §5.3: the poll response's times against the events ----------------------------

  @Test
  void p3_2_pollResponseTimesMatchTheScheduledAndStartedEvents() throws Exception {
    harness();
    String wf = "p32-raw-poll";
    Vector stub = startAsync(wf);
    awaitPending(wf, p -> true);
    var task =
        rpc()
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .pollActivityTaskQueue(
                PollActivityTaskQueueRequest.newBuilder()
                    .setNamespace("default")
                    .setTaskQueue(TaskQueue.newBuilder().setName(NOBODY))
                    .setIdentity("raw-poller")
                    .build());
    assertThat(task.getTaskToken()).isNotEmpty();
    assertThat(task.getAttempt()).isEqualTo(1);
    assertThat(task.hasHeartbeatDetails()).isFalse();
    HistoryEvent scheduled = only(harness.history(wf), EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    assertThat(task.getActivityId())
        .isEqualTo(scheduled.getActivityTaskScheduledEventAttributes().getActivityId());
    // scheduled_time = event time of ActivityTaskScheduled; for attempt 1 the attempt is due then too
    assertThat(task.getScheduledTime()).as("scheduled_time vs Scheduled event_time").isEqualTo(scheduled.getEventTime());
    assertThat(task.getCurrentAttemptScheduledTime())
        .as("current_attempt_scheduled_time vs Scheduled event_time")
        .isEqualTo(scheduled.getEventTime());

    rpc().respondActivityTaskCompleted(
        RespondActivityTaskCompletedRequest.newBuilder()
            .setNamespace("default")
            .setTaskToken(task.getTaskToken())
            .setIdentity("raw-poller")
            .setResult(encode("raw"))
            .build());
    assertThat(WorkflowStub.fromTyped(stub).getResult(String.class)).isEqualTo("raw");
    List<HistoryEvent> events = expectHistory(wf, "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_COMPLETED");
    var started = events.get(5).getActivityTaskStartedEventAttributes();
    assertThat(started.getIdentity()).isEqualTo("raw-poller");
    assertThat(started.getRequestId()).isNotEmpty();
    // the lazily written Started event carries the real start time
    assertThat(events.get(5).getEventTime()).as("Started event_time vs poll started_time").isEqualTo(task.getStartedTime());
    assertThat(events.get(6).getActivityTaskCompletedEventAttributes().getIdentity()).isEqualTo("raw-poller");
  }

  // ---- §16 items closely tied to the vectors ------------------------------------------------

  @Test
  void c16_10a_workerFailureWithNoTimeLeftForRetry_isFailedWithRetryStateTimeout() {
    harness();
    assertThat(run("c10a-failed-with-no-time-left")).isEqualTo("RETRY_STATE_TIMEOUT|App:Boom:fail #2");

    List<HistoryEvent> events =
        expectHistory("c10a-failed-with-no-time-left", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_FAILED");
    var started = events.get(5).getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(2);
    assertThat(started.getLastFailure().getMessage()).isEqualTo("fail #1");
    var failed = events.get(6).getActivityTaskFailedEventAttributes();
    assertThat(failed.getStartedEventId()).isEqualTo(events.get(5).getEventId());
    assertThat(failed.getRetryState()).isEqualTo(RetryState.RETRY_STATE_TIMEOUT);
    assertThat(failed.getFailure().getMessage()).isEqualTo("fail #2");
    List<Attempt> runs = attemptsOf("failUntil");
    assertThat(runs).extracting(Attempt::attempt).containsExactly(1, 2);
    assertThat(Duration.between(runs.get(0).at(), runs.get(1).currentAttemptScheduled()))
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(SLACK));
  }

  @Test
  void c16_9_scheduleToCloseFiresDuringSecondAttempt_causeIsFirstStartToCloseTimeout() {
    harness();
    assertThat(run("c9-schedule-to-close-during-second-attempt"))
        .isEqualTo("RETRY_STATE_TIMEOUT|Timeout:TIMEOUT_TYPE_SCHEDULE_TO_CLOSE");

    List<HistoryEvent> events =
        expectHistory(
            "c9-schedule-to-close-during-second-attempt", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_TIMED_OUT");
    HistoryEvent startedEvent = events.get(5);
    assertThat(startedEvent.getActivityTaskStartedEventAttributes().getAttempt()).isEqualTo(2);
    var timedOut = events.get(6).getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getStartedEventId()).isEqualTo(startedEvent.getEventId());
    assertThat(timedOut.getRetryState()).isEqualTo(RetryState.RETRY_STATE_TIMEOUT);
    Failure failure = timedOut.getFailure();
    assertThat(failure.getMessage()).isEqualTo(NOT_ENOUGH_TIME);
    assertThat(failure.getTimeoutFailureInfo().getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE);
    assertThat(failure.getCause().getMessage()).isEqualTo("activity StartToClose timeout");
    assertThat(failure.getCause().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    // S2C deadline: 4 s after scheduling; attempt 2 due 1 s after attempt 1's StC fired
    assertThat(Duration.between(time(events.get(4)), time(events.get(6))))
        .isBetween(Duration.ofSeconds(4), Duration.ofSeconds(4).plus(SLACK));
    List<Attempt> runs = attemptsOf("block");
    assertThat(runs).extracting(Attempt::attempt).containsExactly(1, 2);
    assertThat(Duration.between(runs.get(0).started(), runs.get(1).currentAttemptScheduled()))
        .isBetween(Duration.ofSeconds(3), Duration.ofSeconds(3).plus(SLACK));
  }
}
