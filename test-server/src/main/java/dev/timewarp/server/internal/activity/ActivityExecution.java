package dev.timewarp.server.internal.activity;

import dev.timewarp.server.AttemptRecord.Outcome;

import com.google.protobuf.ByteString;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.engine.InFlight;
import dev.timewarp.server.internal.history.HistoryLog;
import dev.timewarp.server.internal.matching.Poller;
import dev.timewarp.server.internal.matching.TaskQueueKey;
import dev.timewarp.server.internal.time.Deadline;
import dev.timewarp.server.internal.time.ProtoTime;
import dev.timewarp.server.internal.token.TaskToken;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.TimeoutFailureInfo;
import io.temporal.api.history.v1.ActivityTaskCanceledEventAttributes;
import io.temporal.api.history.v1.ActivityTaskCompletedEventAttributes;
import io.temporal.api.history.v1.ActivityTaskFailedEventAttributes;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.ActivityTaskTimedOutEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import dev.timewarp.server.internal.payload.JsonPayloads;

/**
 * One activity from scheduling to its closing event: dispatch, attempts, the four timeouts,
 * retries, heartbeats and cancellation, as the real server runs them. Runs under the engine lock.
 */
public final class ActivityExecution {
  static final String NOT_STARTED_DETAILS = "ACTIVITY_ID_NOT_STARTED";
  static final String NOT_ENOUGH_TIME =
      "Not enough time to schedule next retry before activity ScheduleToClose timeout, giving up"
          + " retrying";

  /** Where the activity is in its life. */
  public enum State {
    /** Queued for a worker, or backing off before the next attempt. */
    SCHEDULED,
    /** An attempt is running on a worker. */
    STARTED,
    CLOSED
  }

  private final ActivityOwner owner;
  private final long scheduledEventId;
  /** As scheduled; poll responses keep showing these timeouts even after an update (as the real server). */
  private final ScheduleActivityTaskCommandAttributes originalOptions;
  /** As currently in force (UpdateActivityOptions changes them). */
  private ScheduleActivityTaskCommandAttributes options;
  private final Instant firstScheduledTime;
  private Duration scheduleToClose;
  private Duration scheduleToStart;
  private Duration startToClose;
  private Duration heartbeatTimeout;
  private RetryPolicy retryPolicy;
  /** Computed once, at scheduling: an options update does not move it (as the real server). */
  private final Optional<Instant> retryExpiration;
  private final List<ActivityAttempt> attempts = new ArrayList<>();

  private State state = State.SCHEDULED;
  private int attempt = 1;
  private Instant scheduledTime;
  private Instant startedTime;
  /** Wall clock at the start of the running attempt, for the advance grace period. */
  private long startedWallNanos;
  private String startedIdentity = "";
  private String startedRequestId = "";
  private long dispatchSequence;
  private long startSequence;
  /** The worker running the current attempt is gone (declared, or its delivery was dropped). */
  private boolean workerLost;
  private boolean cancelRequested;
  private long cancelRequestedEventId;
  private Payloads heartbeatDetails;
  private Instant lastHeartbeatTime;
  private Failure lastFailure;
  private String lastWorkerIdentity = "";
  private Instant lastAttemptCompleteTime;
  private Deadline scheduleToStartDeadline;
  private Deadline scheduleToCloseDeadline;
  private Deadline startToCloseDeadline;
  private Deadline heartbeatDeadline;
  private Deadline retryDeadline;
  private boolean paused;
  private String pauseRequestId = "";
  private Instant pauseTime;
  private String pauseIdentity = "";
  private String pauseReason = "";
  /** A reset was asked for: heartbeats answer activity_reset until the next retry. */
  private boolean resetRequested;
  /** A reset of a running or paused attempt asked to clear heartbeats at the next retry. */
  private boolean clearHeartbeatOnRetry;

  private ActivityExecution(
      ActivityOwner owner,
      long scheduledEventId,
      ScheduleActivityTaskCommandAttributes options,
      Instant scheduledAt) {
    this.owner = owner;
    this.scheduledEventId = scheduledEventId;
    this.originalOptions = options;
    this.firstScheduledTime = scheduledAt;
    this.scheduledTime = scheduledAt;
    use(options);
    this.retryExpiration =
        scheduleToClose.isZero() ? Optional.empty() : Optional.of(scheduledAt.plus(scheduleToClose));
  }

  private void use(ScheduleActivityTaskCommandAttributes current) {
    this.options = current;
    this.scheduleToClose = ProtoTime.duration(current.getScheduleToCloseTimeout());
    this.scheduleToStart = ProtoTime.duration(current.getScheduleToStartTimeout());
    this.startToClose = ProtoTime.duration(current.getStartToCloseTimeout());
    this.heartbeatTimeout = ProtoTime.duration(current.getHeartbeatTimeout());
    this.retryPolicy = current.getRetryPolicy();
  }

  /** Creates the activity for a written ActivityTaskScheduled event and dispatches attempt 1. */
  public static ActivityExecution schedule(
      ActivityOwner owner, long scheduledEventId, ScheduleActivityTaskCommandAttributes normalized, Instant scheduledAt) {
    ActivityExecution activity = created(owner, scheduledEventId, normalized, scheduledAt);
    activity.dispatch();
    return activity;
  }

  /**
   * Creates an activity whose first attempt is due at {@code firstDispatch} (a standalone
   * activity's start delay): its schedule-to-start and schedule-to-close count from then.
   */
  public static ActivityExecution scheduleDelayed(
      ActivityOwner owner, long scheduledEventId, ScheduleActivityTaskCommandAttributes normalized, Instant firstDispatch) {
    ActivityExecution activity = created(owner, scheduledEventId, normalized, firstDispatch);
    activity.dispatchAt(firstDispatch);
    return activity;
  }

  /** A new activity whose whole-execution (schedule-to-close) deadline is armed. */
  private static ActivityExecution created(
      ActivityOwner owner, long scheduledEventId, ScheduleActivityTaskCommandAttributes normalized, Instant scheduledAt) {
    ActivityExecution activity = new ActivityExecution(owner, scheduledEventId, normalized, scheduledAt);
    activity.retryExpiration.ifPresent(
        at ->
            activity.scheduleToCloseDeadline =
                activity.arm(at, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, () -> activity.timeOut(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE)));
    return activity;
  }

  /**
   * Creates the activity for an eager start: no task is queued, and schedule-to-start no longer
   * applies; the caller starts it with {@link #startEagerly} once the workflow task is applied.
   */
  public static ActivityExecution scheduleEager(
      ActivityOwner owner, long scheduledEventId, ScheduleActivityTaskCommandAttributes normalized, Instant scheduledAt) {
    ActivityExecution activity = created(owner, scheduledEventId, normalized, scheduledAt);
    activity.dispatchSequence++;
    activity.attempts.add(new ActivityAttempt(1, activity.scheduledTime));
    return activity;
  }

  /** Starts an eagerly scheduled attempt for the worker that completed the workflow task. */
  public Optional<PollActivityTaskQueueResponse> startEagerly(String identity) {
    if (state != State.SCHEDULED || !owner.isOpen()) {
      return Optional.empty();
    }
    return deliver(identity);
  }

  // ---- accessors ------------------------------------------------------------------------------

  public long scheduledEventId() {
    return scheduledEventId;
  }

  public String activityId() {
    return options.getActivityId();
  }

  public String activityType() {
    return options.getActivityType().getName();
  }

  public State state() {
    return state;
  }

  public int attempt() {
    return attempt;
  }

  public boolean isCancelRequested() {
    return cancelRequested;
  }


  public TaskQueueKey queue() {
    return new TaskQueueKey(
        owner.namespaceName(), options.getTaskQueue().getName(), TaskQueueKey.Type.ACTIVITY);
  }

  private Instant now() {
    return owner.now();
  }

  private Deadline arm(Instant at, TimeoutType type, Runnable action) {
    return owner.schedule(at, tieBreakRank(type), TimeoutNames.of(type) + " of activity " + activityType() + " (" + activityId() + ")", action);
  }

  /**
   * Timers due at the same instant fire by scheduled event id, then StartToClose, ScheduleToStart,
   * ScheduleToClose, Heartbeat, as on the real server; retries (unspecified) come first.
   */
  private long tieBreakRank(TimeoutType type) {
    int order =
        switch (type) {
          case TIMEOUT_TYPE_START_TO_CLOSE -> 1;
          case TIMEOUT_TYPE_SCHEDULE_TO_START -> 2;
          case TIMEOUT_TYPE_SCHEDULE_TO_CLOSE -> 3;
          case TIMEOUT_TYPE_HEARTBEAT -> 4;
          default -> 0;
        };
    return scheduledEventId * 8 + order;
  }

  /** A state change others may wait on (a standalone activity's describe long poll). */
  private void transition() {
    owner.activityChanged(this);
  }

  /** Heartbeats recorded over every attempt so far. */
  public long totalHeartbeatCount() {
    return attempts.stream().mapToLong(a -> a.heartbeatCount).sum();
  }

  public boolean isStandalone() {
    return owner.isStandalone();
  }

  public boolean isPaused() {
    return paused;
  }

  /** The request id of the pause in force (empty when none or not given). */
  public String pauseRequestId() {
    return paused ? pauseRequestId : "";
  }

  private ActivityAttempt currentAttempt() {
    return attempts.get(attempts.size() - 1);
  }

  // ---- dispatch and start ---------------------------------------------------------------------

  private void dispatch() {
    long sequence = ++dispatchSequence;
    retryDeadline = null;
    if (!attempts.isEmpty() && currentAttempt().startedTime == null && currentAttempt().outcome == Outcome.RUNNING) {
      attempts.remove(attempts.size() - 1); // that dispatch never reached a worker (paused or reset)
    }
    attempts.add(new ActivityAttempt(attempt, scheduledTime));
    if (!scheduleToStart.isZero()) {
      scheduleToStartDeadline =
          arm(
              scheduledTime.plus(scheduleToStart),
              TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
              () -> timeOut(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START));
    }
    owner.engine().matching().offer(queue(), poller -> tryStart(sequence, poller));
  }

  private Optional<Object> tryStart(long sequence, Poller poller) {
    if (!owner.isOpen() || state != State.SCHEDULED || sequence != dispatchSequence) {
      return Optional.empty();
    }
    return deliver(poller.identity()).map(task -> task);
  }

  /** Starts the attempt for a worker; empty when a fault plan loses the delivery on the way. */
  private Optional<PollActivityTaskQueueResponse> deliver(String identity) {
    start(identity, UUID.randomUUID().toString());
    if (owner.engine().faults().consumeDroppedDelivery(activityType())) {
      workerLost = true; // started on the server, but the task never reaches the worker
      return Optional.empty();
    }
    return Optional.of(pollResponse());
  }

  private void start(String identity, String requestId) {
    state = State.STARTED;
    workerLost = false;
    Instant now = now();
    // a real start always comes after its schedule; keep them distinct so deadlines order as there
    startedTime = now.isAfter(scheduledTime) ? now : scheduledTime.plusNanos(1);
    startedWallNanos = System.nanoTime();
    startedIdentity = identity;
    startedRequestId = requestId;
    startSequence++;
    cancel(scheduleToStartDeadline);
    transition();
    ActivityAttempt current = currentAttempt();
    current.startedTime = startedTime;
    current.workerIdentity = identity;
    if (!startToClose.isZero()) {
      startToCloseDeadline =
          arm(
              startedTime.plus(startToClose),
              TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
              () -> timeOut(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE));
    }
    armHeartbeat();
  }

  private void armHeartbeat() {
    cancel(heartbeatDeadline);
    if (heartbeatTimeout.isZero() || state != State.STARTED || paused) {
      return;
    }
    Instant from =
        lastHeartbeatTime != null && lastHeartbeatTime.isAfter(startedTime)
            ? lastHeartbeatTime
            : startedTime;
    heartbeatDeadline =
        arm(from.plus(heartbeatTimeout), TimeoutType.TIMEOUT_TYPE_HEARTBEAT, () -> timeOut(TimeoutType.TIMEOUT_TYPE_HEARTBEAT));
  }

  private PollActivityTaskQueueResponse pollResponse() {
    PollActivityTaskQueueResponse.Builder response =
        PollActivityTaskQueueResponse.newBuilder()
            .setTaskToken(token())
            .setWorkflowNamespace(owner.namespaceName())
            .setWorkflowExecution(
                io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                    .setWorkflowId(owner.workflowId())
                    .setRunId(owner.runId()))
            .setActivityId(activityId())
            .setActivityType(options.getActivityType())
            .setScheduledTime(ProtoTime.timestamp(firstScheduledTime))
            .setCurrentAttemptScheduledTime(ProtoTime.timestamp(scheduledTime))
            .setStartedTime(ProtoTime.timestamp(startedTime))
            .setAttempt(attempt)
            .setScheduleToCloseTimeout(originalOptions.getScheduleToCloseTimeout())
            .setStartToCloseTimeout(originalOptions.getStartToCloseTimeout())
            .setHeartbeatTimeout(originalOptions.getHeartbeatTimeout())
            .setRetryPolicy(retryPolicy);
    if (originalOptions.hasHeader()) {
      response.setHeader(originalOptions.getHeader());
    }
    if (originalOptions.hasInput()) {
      response.setInput(originalOptions.getInput());
    }
    if (heartbeatDetails != null) {
      response.setHeartbeatDetails(heartbeatDetails);
    }
    owner.describeTask(response); // the owner's fields, including its priority
    if (options.hasPriority()) {
      response.setPriority(Priorities.merge(response.getPriority(), options.getPriority()));
    }
    return response.build();
  }

  private ByteString token() {
    return TaskToken.newBuilder()
        .setKind(TaskToken.Kind.ACTIVITY_TASK)
        .setNamespace(owner.namespaceName())
        .setWorkflowId(owner.workflowId())
        .setRunId(owner.runId())
        .setScheduledEventId(scheduledEventId)
        .setAttempt(attempt)
        .setActivityId(activityId())
        .setSequence(startSequence)
        .setStandalone(owner.isStandalone())
        .build()
        .toByteString();
  }

  /** Whether a worker's token still names the running attempt. */
  public boolean acceptsToken(TaskToken token) {
    return state == State.STARTED
        && !workerLost
        && token.getAttempt() == attempt
        && token.getSequence() == startSequence;
  }

  /** The running attempt's worker is gone: it stops counting as in flight; its calls get NOT_FOUND. */
  public void workerGone(String identity) {
    if (state == State.STARTED && startedIdentity.equals(identity)) {
      workerLost = true;
    }
  }

  /** A snapshot of every attempt so far, for tests and assertions. */
  public dev.timewarp.server.ActivityRecord record() {
    return new dev.timewarp.server.ActivityRecord(
        activityId(),
        activityType(),
        scheduledEventId,
        state == State.CLOSED,
        attempts.stream().map(ActivityAttempt::toRecord).toList());
  }

  // ---- worker responses -----------------------------------------------------------------------

  public void complete(Payloads result, String identity) {
    if (state == State.SCHEDULED) {
      start(identity, ""); // completing by id before any poll fabricates the start
    }
    if (PayloadLimits.tooLarge(result)) {
      fail(PayloadLimits.serverFailure("Complete result exceeds size limit.", true), identity, Optional.empty());
      return;
    }
    currentAttempt().end(Outcome.COMPLETED, now(), null);
    ActivityTaskCompletedEventAttributes.Builder attributes =
        ActivityTaskCompletedEventAttributes.newBuilder()
            .setScheduledEventId(scheduledEventId)
            .setStartedEventId(HistoryLog.TRANSIENT_EVENT_ID)
            .setIdentity(identity);
    if (result.getPayloadsCount() > 0) {
      attributes.setResult(result);
    }
    closeWith(newEvent(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED).setActivityTaskCompletedEventAttributes(attributes));
  }

  public void fail(Failure failure, String identity, Optional<Payloads> lastHeartbeat) {
    lastHeartbeat.ifPresent(details -> recordHeartbeat(details, identity));
    Instant at = now();
    lastAttemptCompleteTime = at;
    RetryDecision decision = decide(failure, Optional.empty(), at);
    if (decision.retryState() == RetryState.RETRY_STATE_IN_PROGRESS) {
      retry(failure, Outcome.FAILED, decision.backoff(), at);
      return;
    }
    currentAttempt().end(Outcome.FAILED, now(), failure);
    closeWith(
        newEvent(EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)
            .setActivityTaskFailedEventAttributes(
                ActivityTaskFailedEventAttributes.newBuilder()
                    .setScheduledEventId(scheduledEventId)
                    .setStartedEventId(HistoryLog.TRANSIENT_EVENT_ID)
                    .setFailure(failure)
                    .setRetryState(decision.retryState())
                    .setIdentity(identity)));
  }

  public void respondCanceled(Payloads details, String identity) {
    if (!cancelRequested) {
      throw EngineException.invalidArgument(
          "unable to mark activity as canceled without activity being request canceled first");
    }
    if (PayloadLimits.tooLarge(details)) {
      fail(PayloadLimits.serverFailure("Cancel details exceed size limit.", true), identity, Optional.empty());
      return;
    }
    currentAttempt().end(Outcome.CANCELED, now(), null);
    closeWith(canceledEvent(details, identity, HistoryLog.TRANSIENT_EVENT_ID));
  }

  /** What a heartbeat answer tells the worker. */
  public record HeartbeatAnswer(boolean cancelRequested, boolean paused, boolean reset) {}

  /** Records a heartbeat and says whether the activity was cancelled, paused or reset meanwhile. */
  public HeartbeatAnswer heartbeat(Optional<Payloads> details, String identity) {
    if (details.isPresent() && PayloadLimits.tooLarge(details.get())) {
      fail(PayloadLimits.serverFailure("Heartbeat details exceed size limit.", true), identity, Optional.empty());
      return new HeartbeatAnswer(true, false, false); // the real server asks the worker to stop
    }
    recordHeartbeat(details.orElse(Payloads.getDefaultInstance()), identity);
    return new HeartbeatAnswer(cancelRequested, paused, resetRequested);
  }

  private void recordHeartbeat(Payloads details, String identity) {
    heartbeatDetails = details;
    lastHeartbeatTime = now();
    if (!identity.isEmpty()) {
      lastWorkerIdentity = identity;
    }
    if (!attempts.isEmpty()) {
      ActivityAttempt current = currentAttempt();
      current.heartbeatCount++;
      current.lastHeartbeatDetails = details;
    }
    armHeartbeat();
    transition();
  }

  /**
   * The workflow asked to cancel. Not started: cancelled at once (the caller writes the events).
   * Started: only flagged; the worker learns it from its next heartbeat.
   */
  public void requestCancel(long cancelRequestedEventId, String identity) {
    requestCancel(cancelRequestedEventId, identity, NOT_STARTED_DETAILS);
  }

  /**
   * As above, with the details a not-started activity is cancelled with: a workflow's activity
   * says it never started, a standalone one carries the caller's reason.
   */
  public void requestCancel(long cancelRequestedEventId, String identity, String notStartedDetails) {
    this.cancelRequested = true;
    transition();
    this.cancelRequestedEventId = cancelRequestedEventId;
    if (state == State.SCHEDULED) {
      currentAttempt().end(Outcome.NOT_STARTED, now(), null);
      Payloads details = Payloads.newBuilder().addPayloads(JsonPayloads.ofString(notStartedDetails)).build();
      closeWith(canceledEvent(details, identity, 0));
    }
  }


  private HistoryEvent.Builder canceledEvent(Payloads details, String identity, long startedId) {
    ActivityTaskCanceledEventAttributes.Builder attributes =
        ActivityTaskCanceledEventAttributes.newBuilder()
            .setScheduledEventId(scheduledEventId)
            .setStartedEventId(startedId)
            .setLatestCancelRequestedEventId(cancelRequestedEventId)
            .setIdentity(identity);
    if (details.getPayloadsCount() > 0) {
      attributes.setDetails(details);
    }
    return newEvent(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED)
        .setActivityTaskCanceledEventAttributes(attributes);
  }

  // ---- timeouts and retries -------------------------------------------------------------------

  private void timeOut(TimeoutType type) {
    if (state == State.CLOSED || !owner.isOpen()) {
      return;
    }
    Failure timeout = timeoutFailure(type, "activity " + TimeoutNames.of(type) + " timeout");
    Instant at = now();
    RetryDecision decision = decide(timeout, Optional.of(type), at);
    if (decision.retryState() == RetryState.RETRY_STATE_IN_PROGRESS) {
      retry(timeout, Outcome.TIMED_OUT, decision.backoff(), at);
      return;
    }
    Failure written = timeout;
    if (decision.retryState() == RetryState.RETRY_STATE_TIMEOUT
        && type != TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
      written = timeoutFailure(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, NOT_ENOUGH_TIME);
    }
    if (lastFailure != null) {
      written = written.toBuilder().setCause(lastFailure).build();
    }
    boolean wasStarted = state == State.STARTED;
    currentAttempt()
        .end(
            wasStarted ? Outcome.TIMED_OUT : Outcome.NOT_STARTED,
            now(),
            written);
    closeWith(
        newEvent(EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)
            .setActivityTaskTimedOutEventAttributes(
                ActivityTaskTimedOutEventAttributes.newBuilder()
                    .setScheduledEventId(scheduledEventId)
                    .setStartedEventId(wasStarted ? HistoryLog.TRANSIENT_EVENT_ID : 0)
                    .setFailure(written)
                    .setRetryState(decision.retryState())));
  }

  private Failure timeoutFailure(TimeoutType type, String message) {
    TimeoutFailureInfo.Builder info = TimeoutFailureInfo.newBuilder().setTimeoutType(type);
    if (heartbeatDetails != null && heartbeatDetails.getPayloadsCount() > 0) {
      info.setLastHeartbeatDetails(heartbeatDetails);
    }
    return Failure.newBuilder()
        .setMessage(message)
        .setSource("Server")
        .setTimeoutFailureInfo(info)
        .build();
  }

  private RetryDecision decide(Failure failure, Optional<TimeoutType> timeout, Instant at) {
    if (cancelRequested) {
      return RetryDecision.stop(RetryState.RETRY_STATE_CANCEL_REQUESTED);
    }
    if (timeout.isPresent()
        && (timeout.get() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START
            || timeout.get() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE)) {
      return RetryDecision.stop(RetryState.RETRY_STATE_TIMEOUT);
    }
    // a workflow's activity may retry exactly at the schedule-to-close deadline, a standalone one must start before it
    return RetryDecision.under(retryPolicy, attempt, failure, at, retryExpiration, owner.isStandalone());
  }

  /** An intermediate attempt ended: nothing is written; the next attempt waits out its backoff. */
  private void retry(Failure failure, Outcome outcome, Duration backoff, Instant endedAt) {
    // one instant throughout: the backoff is measured from the end of the attempt
    currentAttempt().end(outcome, endedAt, failure);
    lastFailure = PayloadLimits.forStorage(failure);
    lastWorkerIdentity = startedIdentity;
    attempt++;
    scheduledTime = endedAt.plus(backoff);
    state = State.SCHEDULED;
    startedTime = null;
    startedIdentity = "";
    startedRequestId = "";
    cancel(startToCloseDeadline);
    cancel(heartbeatDeadline);
    cancel(scheduleToStartDeadline);
    resetRequested = false;
    if (clearHeartbeatOnRetry) {
      clearHeartbeat();
    }
    if (!paused) { // a paused activity waits for its unpause before the next attempt
      retryDeadline = arm(scheduledTime, TimeoutType.TIMEOUT_TYPE_UNSPECIFIED, this::dispatch);
    }
    transition();
  }

  private void clearHeartbeat() {
    heartbeatDetails = null;
    lastHeartbeatTime = null;
    clearHeartbeatOnRetry = false;
  }

  // ---- operator controls: pause, unpause, reset (spec §11) ---------------------------------------


  /** Stops dispatch and every timeout until unpaused; a running attempt carries on. */
  public void pause(String requestId, String identity, String reason) {
    if (paused) {
      if (!requestId.isEmpty() && requestId.equals(pauseRequestId)) {
        return;
      }
      throw EngineException.failedPrecondition("activity is already paused");
    }
    paused = true;
    pauseRequestId = requestId;
    pauseTime = now();
    pauseIdentity = identity;
    pauseReason = reason;
    if (state == State.SCHEDULED) {
      dispatchSequence++; // a queued task of this attempt is dropped when polled
    }
    cancelAllDeadlines();
    transition();
  }

  public void unpause(boolean resetAttempts, boolean resetHeartbeat, Duration jitter) {
    if (!paused) {
      return; // as the real server: unpausing what is not paused is fine
    }
    paused = false;
    if (resetAttempts) {
      attempt = 1;
    }
    if (resetHeartbeat) {
      clearHeartbeat();
    }
    rebuildTimers();
    if (state == State.SCHEDULED) {
      lastFailure = null;
      redispatch(jitter);
    }
    transition();
  }

  public void reset(boolean resetHeartbeat, boolean keepPaused, Duration jitter) {
    transition();
    attempt = 1;
    resetRequested = true;
    if (paused && !keepPaused) {
      paused = false;
      rebuildTimers();
    }
    if (state == State.STARTED || paused) {
      clearHeartbeatOnRetry = resetHeartbeat; // applied when the running attempt ends
      return;
    }
    if (resetHeartbeat) {
      clearHeartbeat();
    }
    redispatch(jitter);
  }

  /** A new dispatch of the current attempt at now (+ up to {@code jitter}). */
  private void redispatch(Duration jitter) {
    dispatchAt(now().plus(randomUpTo(jitter)));
  }

  /**
   * (Re)dispatches the current attempt when it falls due: at once if {@code due} is not in the
   * future, else when its deadline fires. A task already queued for it goes stale either way.
   */
  private void dispatchAt(Instant due) {
    cancel(retryDeadline);
    cancel(scheduleToStartDeadline);
    scheduledTime = due;
    if (due.isAfter(now())) {
      dispatchSequence++;
      retryDeadline = arm(due, TimeoutType.TIMEOUT_TYPE_UNSPECIFIED, this::dispatch);
    } else {
      dispatch(); // starts a new dispatch sequence itself
    }
  }

  private static Duration randomUpTo(Duration jitter) {
    return jitter.isZero() || jitter.isNegative()
        ? Duration.ZERO
        : Duration.ofNanos(java.util.concurrent.ThreadLocalRandom.current().nextLong(jitter.toNanos() + 1));
  }

  /** Timers again after a pause: a deadline that passed meanwhile fires at once. */
  private void rebuildTimers() {
    cancelAllDeadlines();
    retryExpiration.ifPresent(at -> scheduleToCloseDeadline =
        arm(at, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, () -> timeOut(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE)));
    if (state == State.STARTED) {
      if (!startToClose.isZero()) {
        startToCloseDeadline = arm(startedTime.plus(startToClose), TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
            () -> timeOut(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE));
      }
      armHeartbeat();
    }
  }

  // ---- closing --------------------------------------------------------------------------------

  private HistoryEvent.Builder newEvent(EventType type) {
    return HistoryEvent.newBuilder()
        .setEventType(type)
        .setEventTime(ProtoTime.timestamp(now()));
  }

  /** Writes Started (if an attempt was running) and the closing event, then lets go. */
  private void closeWith(HistoryEvent.Builder closing) {
    List<HistoryEvent.Builder> events = new ArrayList<>(2);
    if (state == State.STARTED) {
      ActivityTaskStartedEventAttributes.Builder started =
          ActivityTaskStartedEventAttributes.newBuilder()
              .setScheduledEventId(scheduledEventId)
              .setAttempt(attempt)
              .setIdentity(startedIdentity)
              .setRequestId(startedRequestId);
      if (lastFailure != null) {
        started.setLastFailure(lastFailure);
      }
      events.add(
          HistoryEvent.newBuilder()
              .setEventType(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
              .setEventTime(ProtoTime.timestamp(startedTime))
              .setActivityTaskStartedEventAttributes(started));
    }
    events.add(closing);
    state = State.CLOSED;
    cancelAllDeadlines();
    owner.activityClosed(this);
    owner.addWorkflowEvents(events);
  }

  /** The owner closed (workflow completed): nothing of this activity may fire any more. */
  public void ownerClosed() {
    cancelAllDeadlines();
  }

  private void cancelAllDeadlines() {
    cancel(scheduleToStartDeadline);
    cancel(scheduleToCloseDeadline);
    cancel(startToCloseDeadline);
    cancel(heartbeatDeadline);
    cancel(retryDeadline);
  }

  private static void cancel(Deadline deadline) {
    if (deadline != null) {
      deadline.cancel();
    }
  }

  // ---- observation ----------------------------------------------------------------------------

  public void describeInFlight(List<InFlight> out) {
    if (!owner.isOpen()) {
      return;
    }
    String subject = "activity " + activityType() + " (" + activityId() + ") attempt " + attempt;
    if (state == State.STARTED && workerLost) {
      return; // nobody will answer: its timeouts arrive by skipping
    }
    if (state == State.STARTED) {
      out.add(
          new InFlight(
              InFlight.Kind.ACTIVITY_RUNNING,
              subject
                  + " running on worker "
                  + startedIdentity
                  + " for "
                  + ProtoTime.describe(Duration.between(startedTime, now())),
              startedWallNanos + InFlight.ACTIVITY_GRACE_NANOS));
    } else if (state == State.SCHEDULED
        && !paused
        && (retryDeadline == null || !retryDeadline.isPending())
        && owner.engine().matching().hasLivePoller(queue())) {
      out.add(
          new InFlight(
              InFlight.Kind.ACTIVITY_TASK_QUEUED,
              subject + " queued on " + queue() + " of " + owner.describe()));
    }
  }

  public PendingActivityInfo pendingInfo() {
    PendingActivityState pendingState =
        cancelRequested
            ? PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED
            : state == State.STARTED
                ? (paused ? PendingActivityState.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED : PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
                : (paused ? PendingActivityState.PENDING_ACTIVITY_STATE_PAUSED : PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
    PendingActivityInfo.Builder info =
        PendingActivityInfo.newBuilder()
            .setActivityId(activityId())
            .setActivityType(options.getActivityType())
            .setState(pendingState)
            .setAttempt(attempt)
            .setMaximumAttempts(retryPolicy.getMaximumAttempts())
            .setScheduledTime(ProtoTime.timestamp(scheduledTime))
            .setLastWorkerIdentity(
                !startedIdentity.isEmpty() ? startedIdentity : lastWorkerIdentity);
    if (startedTime != null) {
      info.setLastStartedTime(ProtoTime.timestamp(startedTime));
    }
    if (lastHeartbeatTime != null) {
      info.setLastHeartbeatTime(ProtoTime.timestamp(lastHeartbeatTime));
      if (heartbeatDetails != null) {
        info.setHeartbeatDetails(heartbeatDetails);
      }
    }
    if (lastFailure != null) {
      info.setLastFailure(lastFailure);
    }
    retryExpiration.ifPresent(at -> info.setExpirationTime(ProtoTime.timestamp(at)));
    if (paused) {
      info.setPaused(true)
          .setPauseInfo(PendingActivityInfo.PauseInfo.newBuilder()
              .setPauseTime(ProtoTime.timestamp(pauseTime))
              .setManual(PendingActivityInfo.PauseInfo.Manual.newBuilder().setIdentity(pauseIdentity).setReason(pauseReason)));
    }
    if (state == State.SCHEDULED && !paused && now().isBefore(scheduledTime)) {
      info.setNextAttemptScheduleTime(ProtoTime.timestamp(scheduledTime));
      if (lastAttemptCompleteTime != null) {
        info.setCurrentRetryInterval(
            ProtoTime.duration(Duration.between(lastAttemptCompleteTime, scheduledTime)));
      }
    }
    if (lastAttemptCompleteTime != null) {
      info.setLastAttemptCompleteTime(ProtoTime.timestamp(lastAttemptCompleteTime));
    }
    if (options.hasPriority()) {
      info.setPriority(options.getPriority());
    }
    io.temporal.api.activity.v1.ActivityOptions current = currentOptions();
    return info.setActivityOptions(current.toBuilder()
            .setRetryPolicy(current.getRetryPolicy().toBuilder().clearNonRetryableErrorTypes()))
        .build();
  }

  /** The options in force, in the shape the operator APIs use. */
  public io.temporal.api.activity.v1.ActivityOptions currentOptions() {
    io.temporal.api.activity.v1.ActivityOptions.Builder current =
        io.temporal.api.activity.v1.ActivityOptions.newBuilder()
            .setTaskQueue(io.temporal.api.taskqueue.v1.TaskQueue.newBuilder()
                .setName(options.getTaskQueue().getName())
                .setKind(options.getTaskQueue().getKind())
                .setNormalName(options.getTaskQueue().getName()))
            .setScheduleToCloseTimeout(options.getScheduleToCloseTimeout())
            .setScheduleToStartTimeout(options.getScheduleToStartTimeout())
            .setStartToCloseTimeout(options.getStartToCloseTimeout())
            .setHeartbeatTimeout(options.getHeartbeatTimeout())
            .setRetryPolicy(retryPolicy);
    if (options.hasPriority()) {
      current.setPriority(options.getPriority());
    }
    return current.build();
  }

  /** The options as they were scheduled, in the same shape. */
  public ScheduleActivityTaskCommandAttributes originalOptions() {
    return originalOptions;
  }

  /**
   * Puts validated new options in force: timers follow them now, and a pending dispatch is
   * replaced (attempt 1 at once; a retry after its backoff under the new policy, from the last
   * failure).
   */
  public void updateOptions(ScheduleActivityTaskCommandAttributes validated) {
    transition();
    use(validated);
    if (!paused) {
      rebuildTimers();
    }
    if (state == State.SCHEDULED && !paused) {
      Instant now = now();
      Instant due = now;
      if (attempt > 1 && lastAttemptCompleteTime != null) {
        Duration backoff = RetryPolicies.backoff(retryPolicy, attempt, Optional.empty()).orElse(Duration.ZERO);
        due = lastAttemptCompleteTime.plus(backoff);
      }
      // a backoff still running under the new policy waits; otherwise the attempt is due at once
      dispatchAt(due.isAfter(now) ? due : scheduledTime.isAfter(now) ? now : scheduledTime);
    }
  }
}
