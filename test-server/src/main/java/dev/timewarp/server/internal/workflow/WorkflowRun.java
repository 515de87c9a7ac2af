package dev.timewarp.server.internal.workflow;

import com.google.protobuf.ByteString;
import dev.timewarp.server.internal.activity.ActivityExecution;
import dev.timewarp.server.internal.activity.ActivityOwner;
import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.InFlight;
import dev.timewarp.server.internal.history.HistoryLog;
import dev.timewarp.server.internal.matching.Poller;
import dev.timewarp.server.internal.matching.TaskQueueKey;
import dev.timewarp.server.internal.namespace.NamespaceRecord;
import dev.timewarp.server.internal.time.Deadline;
import dev.timewarp.server.internal.time.ProtoTime;
import dev.timewarp.server.internal.token.TaskToken;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionCancelRequestedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionSignaledEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionTerminatedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionTimedOutEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskFailedEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskScheduledEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskStartedEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskTimedOutEventAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One run of a workflow: its history, current workflow task, timers, activities and queries.
 * Every method runs under the engine lock.
 */
public final class WorkflowRun implements ActivityOwner {
  private final Engine engine;
  private final NamespaceRecord namespace;
  private final String workflowId;
  private final String runId;
  private final StartWorkflowExecutionRequest start;
  private final Duration runTimeout;
  private final Duration taskTimeout;
  private final HistoryLog history = new HistoryLog();
  private final Instant startTime;
  private final Map<String, UserTimer> timers = new LinkedHashMap<>();
  private final Map<Long, ActivityExecution> activities = new LinkedHashMap<>();
  private final Map<String, ActivityExecution> pendingActivitiesById = new LinkedHashMap<>();
  private final Queries queries = new Queries(this);
  private final Updates updates = new Updates(this);
  private WorkflowExecutionStatus status = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  private WorkflowTask task;
  private long previousStartedEventId;
  private long taskSequence;
  private boolean cancelRequested;
  private Deadline runTimeoutDeadline;
  private Instant closeTime;
  private boolean applyingCommands;
  private StickyQueue sticky;
  private boolean newTaskRequested;
  private final Map<String, io.temporal.api.common.v1.Payload> memo = new LinkedHashMap<>();
  private final Map<String, io.temporal.api.common.v1.Payload> searchAttributes =
      new LinkedHashMap<>();
  private final RunLineage lineage;
  private final ExecutionClock clock;
  /** The first workflow task waits out a start delay, retry or cron backoff. */
  private Deadline firstTaskBackoff;
  private Instant executionTime;
  private boolean signalEndsBackoff;
  private final Map<Long, ChildWorkflows.PendingChild> children = new LinkedHashMap<>();
  /** Work waiting for the buffered events to be written (they get their event ids then). */
  private final List<Runnable> afterFlush = new java.util.ArrayList<>();

  WorkflowRun(
      Engine engine,
      NamespaceRecord namespace,
      StartWorkflowExecutionRequest start,
      Duration runTimeout,
      Duration taskTimeout,
      String runId,
      RunLineage lineage) {
    this.engine = engine;
    this.namespace = namespace;
    this.workflowId = start.getWorkflowId();
    this.runId = runId;
    this.lineage = lineage;
    this.clock = lineage.clock();
    this.start = start;
    this.runTimeout = runTimeout;
    this.taskTimeout = taskTimeout;
    this.startTime = clock.domain.now();
    memo.putAll(start.getMemo().getFieldsMap());
    searchAttributes.putAll(start.getSearchAttributes().getIndexedFieldsMap());
  }

  // ---- identity -------------------------------------------------------------------------------

  public String workflowId() {
    return workflowId;
  }

  public String runId() {
    return runId;
  }

  @Override
  public String namespaceName() {
    return namespace.name();
  }

  public NamespaceRecord namespace() {
    return namespace;
  }

  public WorkflowExecution execution() {
    return WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId).build();
  }

  public StartWorkflowExecutionRequest startRequest() {
    return start;
  }

  public String workflowType() {
    return start.getWorkflowType().getName();
  }

  public TaskQueueKey workflowQueue() {
    return new TaskQueueKey(
        namespace.name(), start.getTaskQueue().getName(), TaskQueueKey.Type.WORKFLOW);
  }

  public HistoryLog history() {
    return history;
  }

  public WorkflowExecutionStatus status() {
    return status;
  }

  @Override
  public boolean isOpen() {
    return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  public Instant startTime() {
    return startTime;
  }

  /** When the first workflow task was (or will be) due: the start plus any backoff. */
  public Instant executionTime() {
    return executionTime == null ? startTime : executionTime;
  }

  public RunLineage lineage() {
    return lineage;
  }

  public Optional<Instant> closeTime() {
    return Optional.ofNullable(closeTime);
  }

  public Duration runTimeout() {
    return runTimeout;
  }

  public Duration taskTimeout() {
    return taskTimeout;
  }

  public Map<String, io.temporal.api.common.v1.Payload> memo() {
    return memo;
  }

  public Map<String, io.temporal.api.common.v1.Payload> searchAttributes() {
    return searchAttributes;
  }

  public boolean isCancelRequested() {
    return cancelRequested;
  }

  Map<String, UserTimer> timers() {
    return timers;
  }

  public Map<Long, ActivityExecution> activities() {
    return activities;
  }

  Map<String, ActivityExecution> pendingActivitiesById() {
    return pendingActivitiesById;
  }

  Map<Long, ChildWorkflows.PendingChild> children() {
    return children;
  }

  /** Runs {@code action} once nothing is buffered: now, or right after the next flush. */
  void whenFlushed(Runnable action) {
    if (history.hasBuffered()) {
      afterFlush.add(action);
    } else {
      action.run();
    }
  }

  /** Writes the buffered events, then whatever waited for them; returns how many were written. */
  int flushBuffered() {
    int written = history.flushBuffer();
    if (!afterFlush.isEmpty()) {
      List<Runnable> waiting = List.copyOf(afterFlush);
      afterFlush.clear();
      waiting.forEach(Runnable::run);
    }
    return written;
  }

  Queries queries() {
    return queries;
  }

  Updates updates() {
    return updates;
  }

  WorkflowTask task() {
    return task;
  }

  long previousStartedEventId() {
    return previousStartedEventId;
  }

  @Override
  public Engine engine() {
    return engine;
  }

  /** The execution's time: the server's, unless the execution skips time on its own. */
  @Override
  public Instant now() {
    return clock.domain.now();
  }

  /** Schedules work at an instant of the execution's time. */
  @Override
  public Deadline schedule(Instant at, long rank, String description, Runnable action) {
    return clock.domain.schedule(at, rank, description, action);
  }

  Deadline schedule(Instant at, String description, Runnable action) {
    return schedule(at, 0, description, action);
  }

  /**
   * Runs {@code action} right after the current step, as the real server's transfer tasks do work
   * a step leaves behind (starting a child, delivering a signal, reporting an outcome).
   */
  void afterThisStep(String description, Runnable action) {
    schedule(now(), description, action);
  }

  ExecutionClock clock() {
    return clock;
  }

  /** When the run times out, if it has a run timeout; counted from after any first-task backoff. */
  public Optional<Instant> runExpiration() {
    return runTimeout.isZero() ? Optional.empty() : Optional.of(executionTime().plus(runTimeout));
  }

  // ---- events ---------------------------------------------------------------------------------

  HistoryEvent.Builder newEvent(EventType type) {
    return HistoryEvent.newBuilder()
        .setEventType(type)
        .setEventTime(ProtoTime.timestamp(now()));
  }

  HistoryEvent append(HistoryEvent.Builder event) {
    return history.append(event);
  }

  /**
   * Records an event the workflow must react to (signal, fired timer, activity outcome): held
   * while a workflow task is started, written otherwise, and a workflow task is scheduled if none
   * is pending.
   */
  void addWorkflowEvent(HistoryEvent.Builder event) {
    addWorkflowEvents(List.of(event));
  }

  @Override
  public void addWorkflowEvents(List<HistoryEvent.Builder> events) {
    if (task != null) {
      keepSpeculativeTask(task); // the task now sees new events, so it belongs in history
    }
    if (applyingCommands) {
      events.forEach(history::append); // e.g. an activity cancelled before it started
      newTaskRequested = true;
    } else if (task != null && task.isStarted()) {
      events.forEach(history::buffer);
    } else {
      events.forEach(history::append);
      ensureWorkflowTask();
    }
  }

  @Override
  public void activityClosed(ActivityExecution activity) {
    pendingActivitiesById.remove(activity.activityId(), activity);
  }

  @Override
  public void describeTask(io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse.Builder response) {
    response.setWorkflowType(start.getWorkflowType());
    if (start.hasPriority()) {
      response.setPriority(start.getPriority());
    }
  }

  /** While commands are applied, outcomes they cause are written in the same batch. */
  void beginApplyingCommands() {
    applyingCommands = true;
    newTaskRequested = false;
  }

  /** Ends the batch; returns whether something in it asked for a new workflow task. */
  boolean endApplyingCommands() {
    applyingCommands = false;
    return newTaskRequested;
  }

  void ensureWorkflowTask() {
    if (signalEndsBackoff && firstTaskBackoff != null && firstTaskBackoff.isPending()) {
      firstTaskBackoff.cancel(); // a signal ends a start delay early
    }
    if (isOpen() && task == null && (firstTaskBackoff == null || !firstTaskBackoff.isPending())) {
      scheduleWorkflowTask(1);
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Writes the start and schedules the first workflow task, at once or after {@code backoff}
   * (a start delay, which a signal cuts short, or a retry or cron backoff, which it does not).
   */
  void recordStarted(HistoryEvent.Builder startedEvent, Optional<HistoryEvent.Builder> signal, Duration backoff, boolean isStartDelay) {
    executionTime = startTime.plus(backoff);
    append(startedEvent);
    signal.ifPresent(this::append);
    armRunTimeout();
    if (backoff.isZero() || (isStartDelay && signal.isPresent())) {
      scheduleWorkflowTask(1);
    } else {
      signalEndsBackoff = isStartDelay;
      firstTaskBackoff = schedule(executionTime, "first workflow task of " + workflowId, () -> {
        firstTaskBackoff = null;
        ensureWorkflowTask();
      });
    }
  }

  void armRunTimeout() {
    runExpiration().ifPresent(at ->
        runTimeoutDeadline = schedule(at, "run timeout of workflow " + workflowId, this::timeOut));
  }

  /** A reset run continues from a copied history: its last completed task's start is where replay resumes. */
  void resumeAfter(long lastCompletedTaskStartedEventId) {
    previousStartedEventId = lastCompletedTaskStartedEventId;
  }

  private void timeOut() {
    if (!isOpen()) {
      return;
    }
    flushBuffered();
    new RunSuccession(this).timedOut();
  }

  /** Writes the closing event and releases everything that could still fire. */
  void close(WorkflowExecutionStatus newStatus, HistoryEvent.Builder closeEvent) {
    append(closeEvent);
    status = newStatus;
    closeTime = now();
    new ChildWorkflows(this).applyParentClosePolicies();
    if (lineage.parent().isPresent() && endsChain(closeEvent)) {
      ChildWorkflows.childClosed(this, closeEvent);
    }
    if (task != null) {
      task.cancelTimeout();
      task = null;
    }
    if (runTimeoutDeadline != null) {
      runTimeoutDeadline.cancel();
    }
    if (firstTaskBackoff != null) {
      firstTaskBackoff.cancel();
    }
    timers.values().forEach(UserTimer::cancelDeadline);
    timers.clear();
    activities.values().forEach(ActivityExecution::ownerClosed);
    history.markClosed();
    updates.runClosed(closeEvent);
    engine.workflows().onClosed(this);
  }

  /** Whether no run follows this closing event (no continue-as-new, retry or next cron run). */
  private static boolean endsChain(HistoryEvent.Builder closing) {
    return switch (closing.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> false;
      case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED -> closing.getWorkflowExecutionCompletedEventAttributes().getNewExecutionRunId().isEmpty();
      case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED -> closing.getWorkflowExecutionFailedEventAttributes().getNewExecutionRunId().isEmpty();
      case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT -> closing.getWorkflowExecutionTimedOutEventAttributes().getNewExecutionRunId().isEmpty();
      default -> true;
    };
  }

  void signal(String name, Payloads input, String identity, io.temporal.api.common.v1.Header header) {
    WorkflowExecutionSignaledEventAttributes.Builder attributes =
        WorkflowExecutionSignaledEventAttributes.newBuilder()
            .setSignalName(name)
            .setIdentity(identity);
    if (input.getPayloadsCount() > 0) {
      attributes.setInput(input);
    }
    if (header.getFieldsCount() > 0) {
      attributes.setHeader(header);
    }
    addWorkflowEvent(
        newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
            .setWorkflowExecutionSignaledEventAttributes(attributes));
  }

  void requestCancel(String reason, String identity) {
    requestCancel(WorkflowExecutionCancelRequestedEventAttributes.newBuilder().setCause(reason).setIdentity(identity));
  }

  /** Another workflow asked to cancel this one (RequestCancelExternalWorkflowExecution). */
  void requestCancelFrom(String reason, long initiatedEventId, WorkflowExecution sender) {
    requestCancel(WorkflowExecutionCancelRequestedEventAttributes.newBuilder()
        .setCause(reason)
        .setExternalInitiatedEventId(initiatedEventId)
        .setExternalWorkflowExecution(sender));
  }

  private void requestCancel(WorkflowExecutionCancelRequestedEventAttributes.Builder attributes) {
    if (cancelRequested) {
      return; // the real server accepts repeated requests and writes nothing more
    }
    cancelRequested = true;
    addWorkflowEvent(
        newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED)
            .setWorkflowExecutionCancelRequestedEventAttributes(attributes));
  }

  /** A signal another workflow sent (SignalExternalWorkflowExecution). */
  void signalFrom(String name, Payloads input, io.temporal.api.common.v1.Header header, WorkflowExecution sender) {
    WorkflowExecutionSignaledEventAttributes.Builder attributes =
        WorkflowExecutionSignaledEventAttributes.newBuilder().setSignalName(name).setExternalWorkflowExecution(sender);
    if (input.getPayloadsCount() > 0) {
      attributes.setInput(input);
    }
    if (header.getFieldsCount() > 0) {
      attributes.setHeader(header);
    }
    addWorkflowEvent(newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).setWorkflowExecutionSignaledEventAttributes(attributes));
  }

  void terminate(String reason, Payloads details, String identity) {
    flushBuffered();
    WorkflowExecutionTerminatedEventAttributes.Builder attributes =
        WorkflowExecutionTerminatedEventAttributes.newBuilder()
            .setReason(reason)
            .setIdentity(identity);
    if (details.getPayloadsCount() > 0) {
      attributes.setDetails(details);
    }
    close(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
        newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED)
            .setWorkflowExecutionTerminatedEventAttributes(attributes));
  }

  // ---- workflow tasks -------------------------------------------------------------------------

  void scheduleWorkflowTask(int attempt) {
    dispatch(newWorkflowTask(attempt, WorkflowTask.Kind.NORMAL));
  }

  /**
   * A task that only delivers updates to an idle run: its events are written only if the worker
   * does more than reject them.
   */
  void scheduleSpeculativeWorkflowTask() {
    if (isOpen() && task == null && (firstTaskBackoff == null || !firstTaskBackoff.isPending())) {
      dispatch(newWorkflowTask(1, WorkflowTask.Kind.SPECULATIVE));
    }
  }

  private void dispatch(WorkflowTask scheduled) {
    if (scheduled.stickyQueue != null) {
      scheduled.stickyScheduleToStart =
          schedule(
                  scheduled.scheduledTime.plus(sticky.scheduleToStart()),
                  "sticky schedule-to-start of " + workflowId,
                  () -> stickyTimedOut(scheduled));
      engine.matching().offer(stickyKey(scheduled.stickyQueue), poller -> startWorkflowTask(scheduled, poller));
    } else {
      dispatchToNormalQueue(scheduled);
    }
  }

  private void dispatchToNormalQueue(WorkflowTask scheduled) {
    engine.matching().offer(workflowQueue(), poller -> startWorkflowTask(scheduled, poller));
  }

  private TaskQueueKey stickyKey(String name) {
    return new TaskQueueKey(namespace.name(), name, TaskQueueKey.Type.WORKFLOW);
  }

  // ---- sticky execution -------------------------------------------------------------------------

  /** The worker that completed the last task keeps the run cached and polls this queue for it. */
  record StickyQueue(String name, Duration scheduleToStart, String workerIdentity) {}

  void useStickyQueue(io.temporal.api.taskqueue.v1.StickyExecutionAttributes attributes, String identity) {
    String name = attributes.getWorkerTaskQueue().getName();
    if (name.isEmpty()) {
      sticky = null;
      return;
    }
    Duration timeout = ProtoTime.capped(attributes.getScheduleToStartTimeout());
    sticky = new StickyQueue(name, timeout.isZero() ? taskTimeout : timeout, identity);
  }

  /** Forgets the sticky queue; a task waiting there goes to the normal queue at once. */
  void stopUsingStickyQueue() {
    sticky = null;
    if (task != null && !task.isStarted() && task.stickyQueue != null) {
      WorkflowTask waiting = task;
      waiting.stickyQueue = null;
      waiting.stickyScheduleToStart.cancel();
      dispatchToNormalQueue(waiting);
    }
  }

  Optional<StickyQueue> stickyQueue() {
    return Optional.ofNullable(sticky);
  }

  /** The sticky worker did not pick the task up in time: it goes to the normal queue. */
  private void stickyTimedOut(WorkflowTask waiting) {
    if (task != waiting || waiting.isStarted() || !isOpen()) {
      return;
    }
    keepSpeculativeTask(waiting);
    append(
        newEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)
            .setWorkflowTaskTimedOutEventAttributes(
                WorkflowTaskTimedOutEventAttributes.newBuilder()
                    .setScheduledEventId(waiting.scheduledEventId)
                    .setTimeoutType(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START)));
    sticky = null;
    finishTask(waiting);
    flushBuffered();
    scheduleWorkflowTask(1);
  }

  /**
   * Schedules and at once starts a task for the worker completing the current one (it asked for
   * the next task in its response); it never goes through the queue.
   */
  WorkflowTask startNextWorkflowTaskInline(String identity) {
    return startNextWorkflowTaskInline(identity, WorkflowTask.Kind.NORMAL);
  }

  WorkflowTask startNextWorkflowTaskInline(String identity, WorkflowTask.Kind kind) {
    WorkflowTask next = newWorkflowTask(1, kind);
    markStarted(next, identity);
    return next;
  }

  private WorkflowTask newWorkflowTask(int attempt, WorkflowTask.Kind kind) {
    WorkflowTask scheduled = new WorkflowTask(attempt, ++taskSequence, now(), taskTimeout);
    scheduled.kind = kind;
    if (sticky != null && !scheduled.isTransient()) {
      scheduled.stickyQueue = sticky.name();
    }
    if (!scheduled.hasUnwrittenEvents()) {
      scheduled.scheduledEventId = append(scheduledEvent(scheduled)).getEventId();
    }
    task = scheduled;
    return scheduled;
  }

  private HistoryEvent.Builder scheduledEvent(WorkflowTask scheduled) {
    return HistoryEvent.newBuilder()
        .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)
        .setEventTime(ProtoTime.timestamp(scheduled.scheduledTime))
        .setWorkflowTaskScheduledEventAttributes(
            WorkflowTaskScheduledEventAttributes.newBuilder()
                .setTaskQueue(scheduled.stickyQueue == null ? normalQueue() : stickyQueueProto(scheduled.stickyQueue))
                .setStartToCloseTimeout(ProtoTime.duration(scheduled.startToCloseTimeout))
                .setAttempt(scheduled.attempt));
  }

  private TaskQueue stickyQueueProto(String name) {
    return TaskQueue.newBuilder()
        .setName(name)
        .setKind(io.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_STICKY)
        .setNormalName(start.getTaskQueue().getName())
        .build();
  }

  TaskQueue normalQueue() {
    return TaskQueue.newBuilder()
        .setName(start.getTaskQueue().getName())
        .setKind(io.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL)
        .build();
  }

  private Optional<Object> startWorkflowTask(WorkflowTask scheduled, Poller poller) {
    if (!isOpen() || task != scheduled || scheduled.isStarted()) {
      return Optional.empty();
    }
    boolean sticky = scheduled.stickyQueue != null;
    markStarted(scheduled, poller.identity());
    // a sticky worker has the run cached: it gets only what happened since its last task
    return Optional.of(sticky ? pollResponseSinceLastTask(scheduled) : pollResponse(scheduled));
  }

  /** Starts the task for a worker: writes (or, for a transient attempt, prepares) its events. */
  void markStarted(WorkflowTask scheduled, String identity) {
    if (scheduled.stickyScheduleToStart != null) {
      scheduled.stickyScheduleToStart.cancel();
    }
    scheduled.state = WorkflowTask.State.STARTED;
    scheduled.startedTime = now();
    scheduled.identity = identity;
    scheduled.requestId = UUID.randomUUID().toString();
    HistoryEvent.Builder started =
        newEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)
            .setWorkflowTaskStartedEventAttributes(
                WorkflowTaskStartedEventAttributes.newBuilder()
                    .setIdentity(identity)
                    .setRequestId(scheduled.requestId));
    if (scheduled.hasUnwrittenEvents()) {
      long scheduledId = history.nextEventId();
      scheduled.scheduledEventId = scheduledId;
      scheduled.startedEventId = scheduledId + 1;
      scheduled.transientScheduled = scheduledEvent(scheduled).setEventId(scheduledId).build();
      started
          .getWorkflowTaskStartedEventAttributesBuilder()
          .setScheduledEventId(scheduledId);
      scheduled.transientStarted = started.setEventId(scheduledId + 1).build();
    } else {
      started
          .getWorkflowTaskStartedEventAttributesBuilder()
          .setScheduledEventId(scheduled.scheduledEventId);
      scheduled.startedEventId = append(started).getEventId();
    }
    scheduled.timeout =
        schedule(
                now().plus(scheduled.startToCloseTimeout),
                "workflow task timeout of " + workflowId,
                () -> timeOutWorkflowTask(scheduled));
  }

  PollWorkflowTaskQueueResponse pollResponse(WorkflowTask started) {
    return pollResponse(started, 0);
  }

  /**
   * A task for the worker that completed the previous one and still holds the run in its cache:
   * only the events after the task it last started, as a sticky delivery would carry.
   */
  PollWorkflowTaskQueueResponse pollResponseSinceLastTask(WorkflowTask started) {
    return pollResponse(started, (int) previousStartedEventId);
  }

  private PollWorkflowTaskQueueResponse pollResponse(WorkflowTask started, int eventsAlreadySeen) {
    List<HistoryEvent> all = history.events();
    io.temporal.api.history.v1.History.Builder events =
        io.temporal.api.history.v1.History.newBuilder().addAllEvents(all.subList(eventsAlreadySeen, all.size()));
    if (started.hasUnwrittenEvents()) {
      events.addEvents(started.transientScheduled).addEvents(started.transientStarted);
    }
    PollWorkflowTaskQueueResponse.Builder response =
        PollWorkflowTaskQueueResponse.newBuilder()
            .setTaskToken(workflowTaskToken(started))
            .setWorkflowExecution(execution())
            .setWorkflowType(start.getWorkflowType())
            .setPreviousStartedEventId(previousStartedEventId)
            .setStartedEventId(started.startedEventId)
            .setAttempt(started.attempt)
            .setHistory(events)
            .setWorkflowExecutionTaskQueue(normalQueue())
            .setScheduledTime(ProtoTime.timestamp(started.scheduledTime))
            .setStartedTime(ProtoTime.timestamp(started.startedTime));
    queries.attachTo(response);
    updates.attachTo(response, started);
    return response.build();
  }

  private ByteString workflowTaskToken(WorkflowTask started) {
    return TaskToken.newBuilder()
        .setKind(TaskToken.Kind.WORKFLOW_TASK)
        .setNamespace(namespace.name())
        .setWorkflowId(workflowId)
        .setRunId(runId)
        .setScheduledEventId(started.scheduledEventId)
        .setAttempt(started.attempt)
        .setSequence(started.sequence)
        .build()
        .toByteString();
  }

  /** The started task a token refers to, if it is still the current one. */
  Optional<WorkflowTask> startedTask(TaskToken token) {
    if (task == null
        || !task.isStarted()
        || task.workerLost
        || task.sequence != token.getSequence()
        || task.attempt != token.getAttempt()) {
      return Optional.empty();
    }
    return Optional.of(task);
  }

  /** Writes a transient or speculative task's events, now that the task completes. */
  void persistTransientEvents(WorkflowTask completed) {
    keepSpeculativeTask(completed);
    if (completed.isTransient()) {
      append(completed.transientScheduled.toBuilder());
      append(completed.transientStarted.toBuilder());
    }
  }

  /** A speculative task turned out to matter: its events join the history under the ids it promised. */
  void keepSpeculativeTask(WorkflowTask speculative) {
    if (!speculative.isSpeculative()) {
      return;
    }
    speculative.kind = WorkflowTask.Kind.NORMAL;
    if (speculative.isStarted()) {
      append(speculative.transientScheduled.toBuilder());
      append(speculative.transientStarted.toBuilder());
    } else {
      speculative.scheduledEventId = append(scheduledEvent(speculative)).getEventId();
    }
  }

  void finishTask(WorkflowTask finished) {
    finished.cancelTimeout();
    if (task == finished) {
      task = null;
    }
  }

  void taskCompleted(WorkflowTask completed) {
    previousStartedEventId = completed.startedEventId;
    finishTask(completed);
  }

  /** Fails the started task; the next attempt is transient unless new events arrived meanwhile. */
  void failWorkflowTask(
      WorkflowTask failed, WorkflowTaskFailedCause cause, Failure failure, String identity) {
    keepSpeculativeTask(failed); // a failure must be visible, so the task it failed is too
    if (!failed.isTransient()) {
      WorkflowTaskFailedEventAttributes.Builder attributes =
          WorkflowTaskFailedEventAttributes.newBuilder()
              .setScheduledEventId(failed.scheduledEventId)
              .setStartedEventId(failed.startedEventId)
              .setCause(cause)
              .setIdentity(identity);
      if (failure != null) {
        attributes.setFailure(failure);
      }
      append(
          newEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
              .setWorkflowTaskFailedEventAttributes(attributes));
    }
    retryWorkflowTask(failed);
  }

  void timeOutWorkflowTask(WorkflowTask timedOut) {
    if (task != timedOut || !timedOut.isStarted() || !isOpen()) {
      return;
    }
    keepSpeculativeTask(timedOut);
    if (!timedOut.isTransient()) {
      append(
          newEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)
              .setWorkflowTaskTimedOutEventAttributes(
                  WorkflowTaskTimedOutEventAttributes.newBuilder()
                      .setScheduledEventId(timedOut.scheduledEventId)
                      .setStartedEventId(timedOut.startedEventId)
                      .setTimeoutType(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE)));
    }
    retryWorkflowTask(timedOut);
  }

  private void retryWorkflowTask(WorkflowTask previous) {
    sticky = null; // a failed or lost task is retried on the normal queue, with full history
    finishTask(previous);
    updates.redeliverAfterLostTask();
    boolean newEvents = flushBuffered() > 0;
    if (isOpen()) {
      scheduleWorkflowTask(newEvents ? 1 : previous.attempt + 1);
    }
  }

  /** Everything this identity had started is abandoned, as if its process had died. */
  void workerGone(String identity) {
    if (task != null && task.isStarted() && task.identity.equals(identity)) {
      task.workerLost = true;
    }
    if (sticky != null && sticky.workerIdentity().equals(identity)) {
      stopUsingStickyQueue();
    }
    activities.values().forEach(activity -> activity.workerGone(identity));
  }

  // ---- busy or idle ---------------------------------------------------------------------------

  /** Whether nothing of this execution is under way: no task, activity, child or query waits. */
  boolean isIdleForSkipping() {
    List<InFlight> busy = new java.util.ArrayList<>();
    describeInFlight(busy);
    return busy.isEmpty() && children.isEmpty() && (task == null || task.workerLost);
  }

  /** The execution's time jumped ahead by itself: recorded, ignorable by workers that predate it. */
  void recordTimeSkipped(ExecutionClock.Skip skip) {
    append(newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIME_SKIPPING_TRANSITIONED)
        .setWorkerMayIgnore(true)
        .setWorkflowExecutionTimeSkippingTransitionedEventAttributes(
            io.temporal.api.history.v1.WorkflowExecutionTimeSkippingTransitionedEventAttributes.newBuilder()
                .setTargetTime(ProtoTime.timestamp(skip.target()))
                .setDisabledAfterFastForward(skip.endsFastForward())
                .setWallClockTime(ProtoTime.timestamp(Instant.now()))));
  }

  /** UpdateWorkflowExecutionOptions changed the execution's TimeSkippingConfig. */
  void recordTimeSkippingUpdated(io.temporal.api.common.v1.TimeSkippingConfig config, String identity) {
    clock.configure(config);
    append(newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED)
        .setWorkerMayIgnore(true)
        .setWorkflowExecutionOptionsUpdatedEventAttributes(
            io.temporal.api.history.v1.WorkflowExecutionOptionsUpdatedEventAttributes.newBuilder()
                .setTimeSkippingConfig(config)
                .setTimeSkippingConfigUpdated(true)
                .setIdentity(identity)));
  }

  void describeInFlight(List<InFlight> out) {
    queries.describeInFlight(out);
    if (!isOpen()) {
      return;
    }
    Instant now = now();
    if (task != null && !task.workerLost) {
      String subject = "workflow task of " + describe();
      if (task.isStarted()) {
        out.add(
            new InFlight(
                InFlight.Kind.WORKFLOW_TASK,
                subject
                    + " (attempt "
                    + task.attempt
                    + ") running on worker "
                    + task.identity
                    + " for "
                    + ProtoTime.describe(Duration.between(task.startedTime, now))));
      } else {
        TaskQueueKey queue = task.stickyQueue == null ? workflowQueue() : stickyKey(task.stickyQueue);
        boolean polled = engine.matching().hasLivePoller(queue);
        out.add(
            new InFlight(
                polled ? InFlight.Kind.WORKFLOW_TASK : InFlight.Kind.WORKFLOW_TASK_UNPOLLED,
                subject
                    + " scheduled on "
                    + queue
                    + (polled ? "" : " which no worker polls")));
      }
    }
    for (ActivityExecution activity : activities.values()) {
      activity.describeInFlight(out);
    }
  }

  public String describe() {
    return "workflow '" + workflowId + "' (run " + runId + ")";
  }

  @Override
  public String toString() {
    return describe();
  }

}
