package dev.timewarp.server.internal.activity;

import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.activity.v1.ActivityExecutionInfo;
import io.temporal.api.activity.v1.ActivityExecutionOutcome;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.enums.v1.ActivityExecutionStatus;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.failure.v1.CanceledFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.TerminatedFailureInfo;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A standalone activity (no workflow): the second owner of the same activity state machine. It
 * reads its outcome off the closing event the state machine produces instead of writing history,
 * and counts state transitions so describe long polls can wait for the next one.
 */
public final class StandaloneActivity implements ActivityOwner {
  private final Engine engine;
  private final String namespace;
  private final String runId = UUID.randomUUID().toString();
  private final StartActivityExecutionRequest request;
  private final Instant scheduleTime;
  private Duration startDelay = Duration.ZERO;
  /** Waiters for a transition past the count they saw; a closed activity wakes them all. */
  private final List<ChangeWaiter> waiters = new ArrayList<>();
  private ActivityExecution activity;
  private ActivityExecutionStatus closedStatus;
  private ActivityExecutionOutcome outcome;
  private Instant closeTime;
  private long transitions;
  private String cancelRequestId = "";
  private String canceledReason = "";
  private String terminateRequestId = "";

  private record ChangeWaiter(long seen, CompletableFuture<Void> signal) {}

  StandaloneActivity(Engine engine, String namespace, StartActivityExecutionRequest request) {
    this.engine = engine;
    this.namespace = namespace;
    this.request = request;
    this.scheduleTime = engine.now();
  }

  void start(ScheduleActivityTaskCommandAttributes normalized, Duration delay) {
    startDelay = delay;
    transitions = 1;
    activity = ActivityExecution.scheduleDelayed(this, 1, normalized, scheduleTime.plus(delay));
  }

  public String runId() {
    return runId;
  }

  public String activityId() {
    return request.getActivityId();
  }

  public StartActivityExecutionRequest request() {
    return request;
  }

  public ActivityExecution activity() {
    return activity;
  }

  public Instant scheduleTime() {
    return scheduleTime;
  }

  public Instant executionTime() {
    return scheduleTime.plus(startDelay);
  }

  public Optional<Instant> closeTime() {
    return Optional.ofNullable(closeTime);
  }

  /** RUNNING, PAUSED (paused with no attempt running) or how it closed. */
  public ActivityExecutionStatus status() {
    if (closedStatus != null) {
      return closedStatus;
    }
    return activity.isPaused() && activity.state() != ActivityExecution.State.STARTED
        ? ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_PAUSED
        : ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING;
  }

  /** The server's finer status, as its operator-command errors name it. */
  String internalStatus() {
    String name;
    if (closedStatus != null) {
      name = closedStatus.name().substring("ACTIVITY_EXECUTION_STATUS_".length());
    } else if (activity.isCancelRequested()) {
      name = "CANCEL_REQUESTED";
    } else if (activity.isPaused()) {
      name = activity.state() == ActivityExecution.State.STARTED ? "PAUSE_REQUESTED" : "PAUSED";
    } else {
      name = activity.state() == ActivityExecution.State.STARTED ? "STARTED" : "SCHEDULED";
    }
    return "ACTIVITY_EXECUTION_STATUS_" + name;
  }

  public Optional<ActivityExecutionOutcome> outcome() {
    return Optional.ofNullable(outcome);
  }

  /** How many times its state changed; what a describe long-poll token remembers. */
  public long stateTransitions() {
    return transitions;
  }

  /** Completes when the activity has closed. */
  public CompletableFuture<Void> closed() {
    return changedAfter(isOpen() ? Long.MAX_VALUE : 0);
  }

  /** Completes once the state has changed past {@code seen} transitions (or the activity closed). */
  public CompletableFuture<Void> changedAfter(long seen) {
    CompletableFuture<Void> signal = new CompletableFuture<>();
    if (transitions != seen && (seen != Long.MAX_VALUE || !isOpen())) {
      signal.complete(null);
    } else {
      waiters.add(new ChangeWaiter(seen, signal));
    }
    return signal;
  }

  private void changed() {
    transitions++;
    List<ChangeWaiter> due = waiters.stream().filter(w -> w.seen() != Long.MAX_VALUE || !isOpen()).toList();
    waiters.removeAll(due);
    due.forEach(w -> w.signal().complete(null));
  }

  // ---- ActivityOwner ----------------------------------------------------------------------------

  @Override
  public Engine engine() {
    return engine;
  }

  @Override
  public String namespaceName() {
    return namespace;
  }

  @Override
  public String workflowId() {
    return "";
  }

  @Override
  public boolean isOpen() {
    return closedStatus == null;
  }

  @Override
  public boolean isStandalone() {
    return true;
  }

  @Override
  public void activityChanged(ActivityExecution changed) {
    changed();
  }

  /** The closing event says how it ended; nothing else is written. */
  @Override
  public void addWorkflowEvents(List<HistoryEvent.Builder> events) {
    HistoryEvent.Builder closing = events.get(events.size() - 1);
    switch (closing.getEventType()) {
      case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> close(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_COMPLETED,
          ActivityExecutionOutcome.newBuilder().setResult(closing.getActivityTaskCompletedEventAttributes().getResult()).build());
      case EVENT_TYPE_ACTIVITY_TASK_FAILED -> close(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_FAILED,
          ActivityExecutionOutcome.newBuilder().setFailure(closing.getActivityTaskFailedEventAttributes().getFailure()).build());
      case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> close(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TIMED_OUT,
          ActivityExecutionOutcome.newBuilder().setFailure(closing.getActivityTaskTimedOutEventAttributes().getFailure()).build());
      case EVENT_TYPE_ACTIVITY_TASK_CANCELED -> {
        var canceled = closing.getActivityTaskCanceledEventAttributes();
        CanceledFailureInfo.Builder info = CanceledFailureInfo.newBuilder();
        if (canceled.hasDetails()) {
          info.setDetails(canceled.getDetails());
        }
        close(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_CANCELED, ActivityExecutionOutcome.newBuilder()
            .setFailure(Failure.newBuilder().setMessage("Activity canceled").setCanceledFailureInfo(info)).build());
      }
      default -> throw new IllegalStateException("not a closing event: " + closing.getEventType());
    }
  }

  private void close(ActivityExecutionStatus newStatus, ActivityExecutionOutcome result) {
    closedStatus = newStatus;
    outcome = result;
    closeTime = engine.now();
    changed();
  }

  @Override
  public void activityClosed(ActivityExecution closed) {}

  @Override
  public void describeTask(PollActivityTaskQueueResponse.Builder response) {
    response.clearWorkflowExecution().setActivityRunId(runId);
  }

  @Override
  public String describe() {
    return "standalone activity '" + activityId() + "' (run " + runId + ")";
  }

  // ---- client operations ------------------------------------------------------------------------

  /** Cancels at once if no attempt is running; otherwise flags it for the worker's next heartbeat. */
  void requestCancel(String requestId, String identity, String reason) {
    cancelRequestId = requestId;
    canceledReason = reason;
    activity.requestCancel(0, identity, reason);
  }

  String cancelRequestId() {
    return cancelRequestId;
  }

  void terminate(String requestId, String identity, String reason) {
    terminateRequestId = requestId;
    activity.ownerClosed();
    close(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TERMINATED, ActivityExecutionOutcome.newBuilder()
        .setFailure(Failure.newBuilder().setMessage(reason).setTerminatedFailureInfo(TerminatedFailureInfo.newBuilder().setIdentity(identity)))
        .build());
  }

  String terminateRequestId() {
    return terminateRequestId;
  }

  /** The operator commands need a running activity (§12.3). */
  void requireOpen() {
    if (!isOpen()) {
      throw EngineException.failedPrecondition("activity is in terminal state " + status());
    }
  }

  // ---- description ------------------------------------------------------------------------------

  /** Every field of ActivityExecutionInfo; heartbeat details and last failure only when asked for. */
  public ActivityExecutionInfo info(boolean withHeartbeatDetails, boolean withLastFailure) {
    var pending = activity.pendingInfo();
    var options = pending.getActivityOptions();
    Instant now = engine.now();
    ActivityExecutionInfo.Builder info = ActivityExecutionInfo.newBuilder()
        .setActivityId(activityId())
        .setRunId(runId)
        .setActivityType(request.getActivityType())
        .setStatus(status())
        .setTaskQueue(options.getTaskQueue().getName())
        .setScheduleToCloseTimeout(options.getScheduleToCloseTimeout())
        .setScheduleToStartTimeout(options.getScheduleToStartTimeout())
        .setStartToCloseTimeout(options.getStartToCloseTimeout())
        .setHeartbeatTimeout(options.getHeartbeatTimeout())
        .setRetryPolicy(options.getRetryPolicy())
        .setAttempt(pending.getAttempt())
        .setScheduleTime(ProtoTime.timestamp(scheduleTime))
        .setExecutionTime(ProtoTime.timestamp(executionTime()))
        .setLastWorkerIdentity(pending.getLastWorkerIdentity())
        .setStateTransitionCount(transitions)
        .setStateSizeBytes(stateSizeBytes())
        .setTotalHeartbeatCount(activity.totalHeartbeatCount())
        .setCanceledReason(canceledReason)
        .addAllLinks(request.getLinksList());
    info.setExecutionDuration(ProtoTime.duration(executionDurationUntil(closeTime != null ? closeTime : now)));
    if (!startDelay.isZero()) {
      info.setStartDelay(ProtoTime.duration(startDelay));
    }
    if (isOpen()) {
      info.setRunState(pending.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_UNSPECIFIED
          ? PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED : pending.getState());
    }
    if (pending.hasExpirationTime()) {
      info.setExpirationTime(pending.getExpirationTime());
    }
    if (pending.hasLastStartedTime()) {
      info.setLastStartedTime(pending.getLastStartedTime());
    }
    if (pending.hasLastHeartbeatTime()) {
      info.setLastHeartbeatTime(pending.getLastHeartbeatTime());
      if (withHeartbeatDetails && pending.hasHeartbeatDetails()) {
        info.setHeartbeatDetails(pending.getHeartbeatDetails());
      }
    }
    if (withLastFailure && pending.hasLastFailure()) {
      info.setLastFailure(pending.getLastFailure());
    }
    if (pending.hasLastAttemptCompleteTime()) {
      info.setLastAttemptCompleteTime(pending.getLastAttemptCompleteTime());
    }
    if (isOpen() && pending.hasNextAttemptScheduleTime()) {
      info.setNextAttemptScheduleTime(pending.getNextAttemptScheduleTime());
      if (pending.hasCurrentRetryInterval()) {
        info.setCurrentRetryInterval(pending.getCurrentRetryInterval());
      }
    }
    if (closeTime != null) {
      info.setCloseTime(ProtoTime.timestamp(closeTime));
    }
    if (request.hasPriority()) {
      info.setPriority(request.getPriority());
    }
    if (request.hasSearchAttributes()) {
      info.setSearchAttributes(request.getSearchAttributes());
    }
    if (request.hasHeader()) {
      info.setHeader(request.getHeader());
    }
    if (request.hasUserMetadata()) {
      info.setUserMetadata(request.getUserMetadata());
    }
    return info.build();
  }

  /** What the activity keeps: its request, and its outcome once closed. */
  private long stateSizeBytes() {
    return request.getSerializedSize() + (outcome == null ? 0 : outcome.getSerializedSize());
  }

  /** From the first dispatch (schedule + start delay) to {@code end}; zero before it. */
  private Duration executionDurationUntil(Instant end) {
    return end.isAfter(executionTime()) ? Duration.between(executionTime(), end) : Duration.ZERO;
  }

  /** The row ListActivityExecutions shows. */
  public io.temporal.api.activity.v1.ActivityExecutionListInfo listInfo() {
    var info = io.temporal.api.activity.v1.ActivityExecutionListInfo.newBuilder()
        .setActivityId(activityId())
        .setRunId(runId)
        .setActivityType(request.getActivityType())
        .setScheduleTime(ProtoTime.timestamp(scheduleTime))
        .setExecutionTime(ProtoTime.timestamp(executionTime()))
        .setStatus(status())
        .setTaskQueue(request.getTaskQueue().getName())
        .setStateTransitionCount(transitions)
        .setStateSizeBytes(stateSizeBytes());
    if (request.hasSearchAttributes()) {
      info.setSearchAttributes(request.getSearchAttributes());
    }
    if (closeTime != null) {
      info.setCloseTime(ProtoTime.timestamp(closeTime));
      info.setExecutionDuration(ProtoTime.duration(executionDurationUntil(closeTime)));
    }
    return info.build();
  }
}
