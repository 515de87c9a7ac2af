package dev.timewarp.server.internal.activity;

import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.activity.v1.ActivityExecutionInfo;
import io.temporal.api.activity.v1.ActivityExecutionOutcome;
import io.temporal.api.enums.v1.ActivityExecutionStatus;
import io.temporal.api.failure.v1.CanceledFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.TerminatedFailureInfo;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A standalone activity (no workflow): the second owner of the same activity state machine. It
 * reads its outcome off the closing event the state machine produces instead of writing history.
 */
public final class StandaloneActivity implements ActivityOwner {
  private final Engine engine;
  private final String namespace;
  private final String runId = UUID.randomUUID().toString();
  private final StartActivityExecutionRequest request;
  private final Instant scheduleTime;
  private final List<CompletableFuture<Void>> closeWaiters = new ArrayList<>();
  private ActivityExecution activity;
  private ActivityExecutionStatus status = ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING;
  private ActivityExecutionOutcome outcome;
  private Instant closeTime;
  private String cancelRequestId = "";
  private String terminateRequestId = "";

  StandaloneActivity(Engine engine, String namespace, StartActivityExecutionRequest request) {
    this.engine = engine;
    this.namespace = namespace;
    this.request = request;
    this.scheduleTime = engine.now();
  }

  void start(io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes normalized, java.time.Duration startDelay) {
    activity = ActivityExecution.scheduleDelayed(this, 1, normalized, scheduleTime.plus(startDelay));
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

  public ActivityExecutionStatus status() {
    return status;
  }

  public Optional<ActivityExecutionOutcome> outcome() {
    return Optional.ofNullable(outcome);
  }

  /** Completes when the activity has closed. */
  public CompletableFuture<Void> closed() {
    CompletableFuture<Void> signal = new CompletableFuture<>();
    if (!isOpen()) {
      signal.complete(null);
    } else {
      closeWaiters.add(signal);
    }
    return signal;
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
    return status == ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING;
  }

  @Override
  public boolean isStandalone() {
    return true;
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
    status = newStatus;
    outcome = result;
    closeTime = engine.now();
    closeWaiters.forEach(w -> w.complete(null));
    closeWaiters.clear();
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
    activity.requestCancel(0, identity);
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

  public ActivityExecutionInfo info() {
    var pending = activity.pendingInfo();
    ActivityExecutionInfo.Builder info = ActivityExecutionInfo.newBuilder()
        .setActivityId(activityId())
        .setRunId(runId)
        .setActivityType(request.getActivityType())
        .setStatus(status)
        .setTaskQueue(request.getTaskQueue().getName())
        .setAttempt(pending.getAttempt())
        .setScheduleTime(ProtoTime.timestamp(scheduleTime))
        .setRetryPolicy(pending.getActivityOptions().getRetryPolicy())
        .setScheduleToCloseTimeout(pending.getActivityOptions().getScheduleToCloseTimeout())
        .setScheduleToStartTimeout(pending.getActivityOptions().getScheduleToStartTimeout())
        .setStartToCloseTimeout(pending.getActivityOptions().getStartToCloseTimeout())
        .setHeartbeatTimeout(pending.getActivityOptions().getHeartbeatTimeout())
        .setLastWorkerIdentity(pending.getLastWorkerIdentity());
    if (isOpen()) {
      info.setRunState(pending.getState());
    }
    if (pending.hasLastStartedTime()) {
      info.setLastStartedTime(pending.getLastStartedTime());
    }
    if (pending.hasLastHeartbeatTime()) {
      info.setLastHeartbeatTime(pending.getLastHeartbeatTime());
      info.setHeartbeatDetails(pending.getHeartbeatDetails());
    }
    if (pending.hasLastFailure()) {
      info.setLastFailure(pending.getLastFailure());
    }
    if (closeTime != null) {
      info.setCloseTime(ProtoTime.timestamp(closeTime));
    }
    return info.build();
  }
}
