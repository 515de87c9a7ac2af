package dev.timewarp.server;

import static dev.timewarp.server.RpcChecks.appFailure;
import static dev.timewarp.server.RpcChecks.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.temporal.api.activity.v1.ActivityExecutionInfo;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.Header;
import io.temporal.api.common.v1.Link;
import io.temporal.api.common.v1.Priority;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.enums.v1.ActivityExecutionStatus;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.sdk.v1.UserMetadata;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.*;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** DescribeActivityExecution of standalone activities over raw RPCs: every field, the include flags, long polls (§12.3). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StandaloneActivityDescribeTest {
  private static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");
  /** Instants read while virtual time runs at wall pace between explicit advances. */
  private static final Duration SLACK = Duration.ofSeconds(2);

  // MANUAL: time only jumps when the test advances it, so queued activities with deadlines stay put
  private final TimewarpServer server = TimewarpServer.start(
      ServerOptions.builder().timeSkipping(TimeSkipping.MANUAL).initialTime(EPOCH).build());
  private final WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc = WorkflowServiceGrpc.newBlockingStub(server.channel());
  private final ExecutorService background = Executors.newCachedThreadPool();

  @AfterEach
  void close() {
    background.shutdownNow();
    server.close();
  }

  private static com.google.protobuf.Duration seconds(long s) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(s).build();
  }

  private static Instant instant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  private Instant now() {
    return server.clock().now();
  }

  private StartActivityExecutionRequest.Builder start(String id) {
    return StartActivityExecutionRequest.newBuilder().setNamespace("default").setActivityId(id).setRequestId(UUID.randomUUID().toString())
        .setActivityType(ActivityType.newBuilder().setName("Export")).setTaskQueue(TaskQueue.newBuilder().setName("exports"))
        .setStartToCloseTimeout(seconds(60));
  }

  private PollActivityTaskQueueResponse poll(String identity) {
    PollActivityTaskQueueResponse task = rpc.withDeadlineAfter(10, TimeUnit.SECONDS).pollActivityTaskQueue(
        PollActivityTaskQueueRequest.newBuilder().setNamespace("default").setIdentity(identity)
            .setTaskQueue(TaskQueue.newBuilder().setName("exports")).build());
    assertThat(task.getTaskToken()).as("a task was dispatched").isNotEmpty();
    return task;
  }

  private DescribeActivityExecutionRequest.Builder describeRequest(String id) {
    return DescribeActivityExecutionRequest.newBuilder().setNamespace("default").setActivityId(id);
  }

  private DescribeActivityExecutionResponse describe(String id) {
    return rpc.describeActivityExecution(describeRequest(id).build());
  }

  private DescribeActivityExecutionResponse describeAll(String id) {
    return rpc.describeActivityExecution(describeRequest(id).setIncludeHeartbeatDetails(true).setIncludeLastFailure(true)
        .setIncludeInput(true).setIncludeOutcome(true).build());
  }

  private void heartbeat(PollActivityTaskQueueResponse task, String details, String identity) {
    rpc.recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).setIdentity(identity).setDetails(RawWorkflow.text(details)).build());
  }

  private void fail(PollActivityTaskQueueResponse task, String message, String identity) {
    rpc.respondActivityTaskFailed(RespondActivityTaskFailedRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).setIdentity(identity).setFailure(appFailure(message)).build());
  }

  private void complete(PollActivityTaskQueueResponse task, String result, String identity) {
    rpc.respondActivityTaskCompleted(RespondActivityTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).setIdentity(identity).setResult(RawWorkflow.text(result)).build());
  }

  // ---- include flags ----------------------------------------------------------------------------

  @Test
  void theIncludeFlagsDecideWhichOptionalPartsComeBack() {
    rpc.startActivityExecution(start("flags").setInput(RawWorkflow.text("in"))
        .setRetryPolicy(RetryPolicy.newBuilder().setInitialInterval(seconds(3600)).setMaximumAttempts(3)).build());
    PollActivityTaskQueueResponse first = poll("w");
    heartbeat(first, "hb-1", "w");
    fail(first, "first attempt broke", "w"); // backing off for an hour: heartbeat and failure are kept

    DescribeActivityExecutionResponse bare = describe("flags");
    assertThat(bare.getInfo().hasHeartbeatDetails()).isFalse();
    assertThat(bare.getInfo().hasLastFailure()).isFalse();
    assertThat(bare.hasInput()).isFalse();
    assertThat(bare.hasOutcome()).isFalse();
    assertThat(bare.getInfo().hasLastHeartbeatTime()).as("the time is not optional").isTrue();

    DescribeActivityExecutionResponse full = describeAll("flags");
    assertThat(full.getInfo().getHeartbeatDetails()).isEqualTo(RawWorkflow.text("hb-1"));
    assertThat(full.getInfo().getLastFailure().getMessage()).isEqualTo("first attempt broke");
    assertThat(full.getInput()).isEqualTo(RawWorkflow.text("in"));
    assertThat(full.hasOutcome()).as("no outcome while it still runs").isFalse();

    server.clock().advance(Duration.ofHours(1));
    complete(poll("w"), "out", "w");

    assertThat(describe("flags").hasOutcome()).isFalse();
    assertThat(describeAll("flags").getOutcome().getResult()).isEqualTo(RawWorkflow.text("out"));
    assertThat(rpc.describeActivityExecution(describeRequest("flags").setIncludeOutcome(true).build()).hasInput())
        .as("one flag does not bring the others").isFalse();
  }

  // ---- every field ------------------------------------------------------------------------------

  @Test
  void everyFieldThroughDelayRetryAndCompletion() {
    SearchAttributes attributes = SearchAttributes.newBuilder()
        .putIndexedFields("CustomKeywordField", RawWorkflow.text("blue").getPayloads(0)).build();
    UserMetadata metadata = UserMetadata.newBuilder().setSummary(RawWorkflow.text("nightly").getPayloads(0))
        .setDetails(RawWorkflow.text("all tables").getPayloads(0)).build();
    Header header = Header.newBuilder().putFields("tenant", RawWorkflow.text("acme").getPayloads(0)).build();
    Link link = Link.newBuilder().setWorkflowEvent(Link.WorkflowEvent.newBuilder().setNamespace("default")
        .setWorkflowId("parent").setRunId(UUID.randomUUID().toString())).build();
    Instant before = now();
    String runId = rpc.startActivityExecution(start("full").setIdentity("starter")
        .setStartDelay(seconds(60)).setScheduleToCloseTimeout(seconds(600)).setStartToCloseTimeout(seconds(30))
        .setHeartbeatTimeout(seconds(20))
        .setRetryPolicy(RetryPolicy.newBuilder().setInitialInterval(seconds(5)).setBackoffCoefficient(2).setMaximumAttempts(3))
        .setPriority(Priority.newBuilder().setPriorityKey(2)).setSearchAttributes(attributes).setUserMetadata(metadata)
        .setHeader(header).addLinks(link).build()).getRunId();
    Instant after = now();
    List<Long> transitions = new ArrayList<>();

    // waiting out the start delay
    ActivityExecutionInfo delayed = describe("full").getInfo();
    transitions.add(delayed.getStateTransitionCount());
    assertThat(delayed.getActivityId()).isEqualTo("full");
    assertThat(delayed.getRunId()).isEqualTo(runId);
    assertThat(delayed.getActivityType().getName()).isEqualTo("Export");
    assertThat(delayed.getTaskQueue()).isEqualTo("exports");
    assertThat(delayed.getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING);
    assertThat(delayed.getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
    assertThat(delayed.getAttempt()).isEqualTo(1);
    Instant scheduled = instant(delayed.getScheduleTime());
    assertThat(scheduled).isBetween(before, after);
    assertThat(duration(delayed.getStartDelay())).isEqualTo(Duration.ofSeconds(60));
    assertThat(instant(delayed.getExecutionTime())).isEqualTo(scheduled.plusSeconds(60));
    // expiration = schedule + delay + schedule-to-close
    assertThat(instant(delayed.getExpirationTime())).isEqualTo(scheduled.plusSeconds(60 + 600));
    assertThat(duration(delayed.getScheduleToCloseTimeout())).isEqualTo(Duration.ofSeconds(600));
    assertThat(duration(delayed.getScheduleToStartTimeout())).as("defaults to schedule-to-close").isEqualTo(Duration.ofSeconds(600));
    assertThat(duration(delayed.getStartToCloseTimeout())).isEqualTo(Duration.ofSeconds(30));
    assertThat(duration(delayed.getHeartbeatTimeout())).isEqualTo(Duration.ofSeconds(20));
    assertThat(duration(delayed.getRetryPolicy().getInitialInterval())).isEqualTo(Duration.ofSeconds(5));
    assertThat(delayed.getRetryPolicy().getBackoffCoefficient()).isEqualTo(2.0);
    assertThat(duration(delayed.getRetryPolicy().getMaximumInterval())).as("100 x initial").isEqualTo(Duration.ofSeconds(500));
    assertThat(delayed.getRetryPolicy().getMaximumAttempts()).isEqualTo(3);
    assertThat(delayed.getPriority().getPriorityKey()).isEqualTo(2);
    assertThat(delayed.getSearchAttributes()).isEqualTo(attributes);
    assertThat(delayed.getUserMetadata()).isEqualTo(metadata);
    assertThat(delayed.getHeader()).isEqualTo(header);
    assertThat(delayed.getLinksList()).containsExactly(link);
    assertThat(delayed.hasLastStartedTime()).isFalse();
    assertThat(delayed.hasLastHeartbeatTime()).isFalse();
    assertThat(delayed.hasLastAttemptCompleteTime()).isFalse();
    assertThat(delayed.hasCloseTime()).isFalse();
    assertThat(delayed.getTotalHeartbeatCount()).isZero();
    assertThat(delayed.getCanceledReason()).isEmpty();

    // attempt 1 starts once the delay is over
    server.clock().advance(Duration.ofSeconds(60));
    Instant beforeStart = now();
    PollActivityTaskQueueResponse first = poll("worker-1");
    ActivityExecutionInfo running = describe("full").getInfo();
    transitions.add(running.getStateTransitionCount());
    assertThat(running.getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    assertThat(instant(running.getLastStartedTime())).isBetween(beforeStart, now());
    assertThat(running.getLastWorkerIdentity()).isEqualTo("worker-1");

    heartbeat(first, "a", "worker-1");
    Instant beforeLastBeat = now();
    heartbeat(first, "b", "worker-1");
    ActivityExecutionInfo beating = describeAll("full").getInfo();
    transitions.add(beating.getStateTransitionCount());
    assertThat(beating.getTotalHeartbeatCount()).isEqualTo(2);
    assertThat(instant(beating.getLastHeartbeatTime())).isBetween(beforeLastBeat, now());
    assertThat(beating.getHeartbeatDetails()).isEqualTo(RawWorkflow.text("b"));

    // attempt 1 fails: backing off 5 s
    Instant beforeFail = now();
    fail(first, "boom", "worker-1");
    Instant afterFail = now();
    ActivityExecutionInfo backingOff = describeAll("full").getInfo();
    transitions.add(backingOff.getStateTransitionCount());
    assertThat(backingOff.getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING);
    assertThat(backingOff.getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
    assertThat(backingOff.getAttempt()).as("already the next attempt").isEqualTo(2);
    Instant completed = instant(backingOff.getLastAttemptCompleteTime());
    assertThat(completed).isBetween(beforeFail, afterFail);
    assertThat(instant(backingOff.getNextAttemptScheduleTime())).isEqualTo(completed.plusSeconds(5));
    assertThat(duration(backingOff.getCurrentRetryInterval())).isEqualTo(Duration.ofSeconds(5));
    assertThat(backingOff.hasLastStartedTime()).as("no attempt runs during the backoff").isFalse();
    assertThat(backingOff.getLastFailure().getMessage()).isEqualTo("boom");
    assertThat(backingOff.getLastWorkerIdentity()).isEqualTo("worker-1");
    assertThat(backingOff.getHeartbeatDetails()).as("heartbeats survive the retry").isEqualTo(RawWorkflow.text("b"));

    // attempt 2 heartbeats once more: the count spans attempts
    server.clock().advance(Duration.ofSeconds(5));
    PollActivityTaskQueueResponse second = poll("worker-2");
    assertThat(second.getAttempt()).isEqualTo(2);
    heartbeat(second, "c", "worker-2");
    ActivityExecutionInfo retried = describe("full").getInfo();
    transitions.add(retried.getStateTransitionCount());
    assertThat(retried.getTotalHeartbeatCount()).isEqualTo(3);
    assertThat(retried.getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    assertThat(retried.getLastWorkerIdentity()).isEqualTo("worker-2");
    assertThat(retried.hasNextAttemptScheduleTime()).isFalse();

    complete(second, "done", "worker-2");
    Instant afterClose = now();
    ActivityExecutionInfo closed = describe("full").getInfo();
    transitions.add(closed.getStateTransitionCount());
    assertThat(closed.getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_COMPLETED);
    assertThat(closed.getRunState()).as("no run state once closed").isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_UNSPECIFIED);
    Instant closeTime = instant(closed.getCloseTime());
    assertThat(closeTime).isBetween(instant(retried.getLastHeartbeatTime()), afterClose);
    // all attempts and the backoff between them; at most since scheduling
    assertThat(duration(closed.getExecutionDuration()))
        .isBetween(Duration.between(instant(closed.getExecutionTime()), closeTime), Duration.between(scheduled, closeTime));
    assertThat(duration(closed.getExecutionDuration())).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(closed.hasNextAttemptScheduleTime()).isFalse();
    assertThat(transitions).as("state transition count grows with every change").isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aCancelRequestShowsItsReasonWhileTheWorkerStillRuns() {
    rpc.startActivityExecution(start("cancel").build());
    poll("w");

    rpc.requestCancelActivityExecution(RequestCancelActivityExecutionRequest.newBuilder().setNamespace("default")
        .setActivityId("cancel").setRequestId("c1").setReason("superseded").build());

    ActivityExecutionInfo info = describe("cancel").getInfo();
    assertThat(info.getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING);
    assertThat(info.getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED);
    assertThat(info.getCanceledReason()).isEqualTo("superseded");
  }

  // ---- long polls -------------------------------------------------------------------------------

  private CompletableFuture<DescribeActivityExecutionResponse> longPoll(String id, String runId, ByteString token, long deadlineSeconds) {
    return CompletableFuture.supplyAsync(() -> rpc.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS)
        .describeActivityExecution(describeRequest(id).setRunId(runId).setLongPollToken(token).build()), background);
  }

  /** A bounded look (wall time, not virtual time) that the call is still waiting. */
  private static void assertStillWaiting(CompletableFuture<?> call) {
    assertThatThrownBy(() -> call.get(500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
  }

  @Test
  void aLongPollWaitsForTheNextStateChange() throws Exception {
    String runId = rpc.startActivityExecution(start("poll").build()).getRunId();
    DescribeActivityExecutionResponse queued = describe("poll");
    assertThat(queued.getLongPollToken()).isNotEmpty();

    CompletableFuture<DescribeActivityExecutionResponse> untilStarted = longPoll("poll", runId, queued.getLongPollToken(), 30);
    assertStillWaiting(untilStarted);
    PollActivityTaskQueueResponse task = poll("w"); // the change: a worker starts the attempt
    Await.until(untilStarted::isDone, () -> "the long poll to answer once the task started");
    DescribeActivityExecutionResponse started = untilStarted.get();
    assertThat(started.getRunId()).isEqualTo(runId);
    assertThat(started.getInfo().getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    assertThat(started.getLongPollToken()).isNotEqualTo(queued.getLongPollToken());

    CompletableFuture<DescribeActivityExecutionResponse> untilHeartbeat = longPoll("poll", runId, started.getLongPollToken(), 30);
    assertStillWaiting(untilHeartbeat);
    heartbeat(task, "progress", "w");
    Await.until(untilHeartbeat::isDone, () -> "the long poll to answer after a heartbeat");
    assertThat(untilHeartbeat.get().getInfo().getTotalHeartbeatCount()).isEqualTo(1);

    // a token that is already stale answers at once
    assertThat(longPoll("poll", runId, queued.getLongPollToken(), 30).get(5, TimeUnit.SECONDS).getInfo().getTotalHeartbeatCount())
        .isEqualTo(1);
  }

  @Test
  void aLongPollThatSeesNoChangeAnswersEmptyBeforeTheCallersDeadline() {
    String runId = rpc.startActivityExecution(start("quiet").build()).getRunId();
    ByteString token = describe("quiet").getLongPollToken();

    long startNanos = System.nanoTime();
    DescribeActivityExecutionResponse response = rpc.withDeadlineAfter(3, TimeUnit.SECONDS)
        .describeActivityExecution(describeRequest("quiet").setRunId(runId).setLongPollToken(token).build());
    Duration waited = Duration.ofNanos(System.nanoTime() - startNanos);

    assertThat(response).as("empty, not an error").isEqualTo(DescribeActivityExecutionResponse.getDefaultInstance());
    assertThat(waited).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void requestsNameWhatIsWrong() {
    String runId = rpc.startActivityExecution(start("errors").build()).getRunId();
    ByteString token = describe("errors").getLongPollToken();

    assertStatus(() -> rpc.describeActivityExecution(describeRequest("").build()),
        Status.Code.INVALID_ARGUMENT, "activity ID is required");
    assertStatus(() -> rpc.describeActivityExecution(describeRequest("errors").setLongPollToken(token).build()),
        Status.Code.INVALID_ARGUMENT, "run id is required when long poll token is provided");
    assertStatus(() -> rpc.describeActivityExecution(describeRequest("errors").setRunId("not-a-uuid").build()),
        Status.Code.INVALID_ARGUMENT, "invalid run id: must be a valid UUID");
    assertStatus(() -> rpc.describeActivityExecution(describeRequest("errors").setRunId(runId)
            .setLongPollToken(ByteString.copyFromUtf8("garbage")).build()),
        Status.Code.INVALID_ARGUMENT, "invalid long poll token");
    assertStatus(() -> rpc.describeActivityExecution(describeRequest("errors").setRunId(UUID.randomUUID().toString()).build()),
        Status.Code.NOT_FOUND, "activity execution not found: errors");
  }
}
