package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.activity.ActivityExecution;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.ResetReapplyExcludeType;
import io.temporal.api.enums.v1.ResetReapplyType;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.ResetWorkflowFailureInfo;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowTaskFailedEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskStartedEventAttributes;
import io.temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ResetWorkflowExecutionResponse;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * ResetWorkflowExecution: a new run whose history is the base run's up to a workflow task, that
 * task failed with RESET_WORKFLOW, the signals received after that point re-applied, and a new
 * workflow task. Timers and activities pending at the reset point are armed again; the current
 * run, if still running, is terminated.
 */
public final class WorkflowResets {
  private static final String HISTORY_SERVICE = "history-service";
  private final Workflows workflows;

  public WorkflowResets(Workflows workflows) {
    this.workflows = workflows;
  }

  public ResetWorkflowExecutionResponse reset(ResetWorkflowExecutionRequest r) {
    WorkflowRun base = workflows.find(r.getNamespace(), r.getWorkflowExecution());
    WorkflowRun current = workflows.find(r.getNamespace(),
        WorkflowExecution.newBuilder().setWorkflowId(r.getWorkflowExecution().getWorkflowId()).build());
    if (!r.getRequestId().isEmpty() && r.getRequestId().equals(current.startRequest().getRequestId())) {
      return ResetWorkflowExecutionResponse.newBuilder().setRunId(current.runId()).build(); // the same reset again
    }
    List<HistoryEvent> events = List.copyOf(base.history().events()); // terminating the base below appends to it
    long finishId = r.getWorkflowTaskFinishEventId();
    if (finishId <= 1 || finishId > events.size()) {
      throw EngineException.invalidArgument("Workflow task finish ID must be > 1 && <= workflow last event ID.");
    }
    List<HistoryEvent> prefix = events.subList(0, (int) finishId - 1);
    HistoryEvent last = prefix.get(prefix.size() - 1);
    if (last.getEventType() != EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
        && last.getEventType() != EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
      throw EngineException.invalidArgument(
          "Can only reset workflow to event ID in range [WorkflowTaskScheduled +1, WorkflowTaskStarted + 1]: " + finishId);
    }
    PendingAtReset pending = PendingAtReset.of(prefix);
    if (!pending.children.isEmpty()) {
      throw EngineException.invalidArgument("Timewarp cannot reset to a point where child workflows are pending.");
    }

    String resetRunId = UUID.randomUUID().toString();
    if (current.isOpen()) {
      current.terminate(r.getReason(), io.temporal.api.common.v1.Payloads.getDefaultInstance(), HISTORY_SERVICE);
    }
    String requestId = r.getRequestId().isEmpty() ? UUID.randomUUID().toString() : r.getRequestId();
    WorkflowRun reset = workflows.registerReset(base, resetRunId, requestId);
    prefix.forEach(event -> reset.append(event.toBuilder()));
    long scheduledId = last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
        ? last.getEventId()
        : last.getWorkflowTaskStartedEventAttributes().getScheduledEventId();
    long startedId = last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
        ? last.getEventId()
        : reset.append(reset.newEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)
            .setWorkflowTaskStartedEventAttributes(WorkflowTaskStartedEventAttributes.newBuilder()
                .setScheduledEventId(scheduledId)
                .setIdentity(HISTORY_SERVICE)
                .setRequestId(UUID.randomUUID().toString()))).getEventId();
    reset.append(reset.newEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
        .setWorkflowTaskFailedEventAttributes(WorkflowTaskFailedEventAttributes.newBuilder()
            .setScheduledEventId(scheduledId)
            .setStartedEventId(startedId)
            .setCause(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW)
            .setFailure(Failure.newBuilder().setMessage(r.getReason()).setResetWorkflowFailureInfo(ResetWorkflowFailureInfo.getDefaultInstance()))
            .setIdentity(HISTORY_SERVICE)
            .setBaseRunId(base.runId())
            .setNewRunId(resetRunId)));
    if (reapplySignals(r)) {
      events.subList(prefix.size(), events.size()).stream()
          .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
          .forEach(signal -> reset.append(reset.newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
              .setWorkflowExecutionSignaledEventAttributes(signal.getWorkflowExecutionSignaledEventAttributes())));
    }
    pending.restoreInto(reset);
    reset.resumeAfter(pending.lastCompletedTaskStartedId);
    reset.armRunTimeout();
    reset.scheduleWorkflowTask(1);
    return ResetWorkflowExecutionResponse.newBuilder().setRunId(resetRunId).build();
  }

  private static boolean reapplySignals(ResetWorkflowExecutionRequest r) {
    return r.getResetReapplyType() != ResetReapplyType.RESET_REAPPLY_TYPE_NONE
        && !r.getResetReapplyExcludeTypesList().contains(ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL);
  }

  /** What a history prefix leaves open: timers, activities, children, plus memo and search attributes. */
  private static final class PendingAtReset {
    final Map<String, HistoryEvent> timers = new LinkedHashMap<>();
    final Map<Long, HistoryEvent> activities = new LinkedHashMap<>();
    final Set<Long> children = new HashSet<>();
    final Map<String, io.temporal.api.common.v1.Payload> memo = new LinkedHashMap<>();
    final Map<String, io.temporal.api.common.v1.Payload> searchAttributes = new LinkedHashMap<>();
    long lastCompletedTaskStartedId;

    static PendingAtReset of(List<HistoryEvent> prefix) {
      PendingAtReset open = new PendingAtReset();
      for (HistoryEvent e : prefix) {
        switch (e.getEventType()) {
          case EVENT_TYPE_TIMER_STARTED -> open.timers.put(e.getTimerStartedEventAttributes().getTimerId(), e);
          case EVENT_TYPE_TIMER_FIRED -> open.timers.remove(e.getTimerFiredEventAttributes().getTimerId());
          case EVENT_TYPE_TIMER_CANCELED -> open.timers.remove(e.getTimerCanceledEventAttributes().getTimerId());
          case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> open.activities.put(e.getEventId(), e);
          case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> open.activities.remove(e.getActivityTaskCompletedEventAttributes().getScheduledEventId());
          case EVENT_TYPE_ACTIVITY_TASK_FAILED -> open.activities.remove(e.getActivityTaskFailedEventAttributes().getScheduledEventId());
          case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> open.activities.remove(e.getActivityTaskTimedOutEventAttributes().getScheduledEventId());
          case EVENT_TYPE_ACTIVITY_TASK_CANCELED -> open.activities.remove(e.getActivityTaskCanceledEventAttributes().getScheduledEventId());
          case EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED -> open.children.add(e.getEventId());
          case EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED ->
              open.children.remove(e.getStartChildWorkflowExecutionFailedEventAttributes().getInitiatedEventId());
          case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED ->
              open.children.remove(e.getChildWorkflowExecutionCompletedEventAttributes().getInitiatedEventId());
          case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED ->
              open.children.remove(e.getChildWorkflowExecutionFailedEventAttributes().getInitiatedEventId());
          case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED ->
              open.children.remove(e.getChildWorkflowExecutionCanceledEventAttributes().getInitiatedEventId());
          case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT ->
              open.children.remove(e.getChildWorkflowExecutionTimedOutEventAttributes().getInitiatedEventId());
          case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED ->
              open.children.remove(e.getChildWorkflowExecutionTerminatedEventAttributes().getInitiatedEventId());
          case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> {
            open.memo.putAll(e.getWorkflowExecutionStartedEventAttributes().getMemo().getFieldsMap());
            open.searchAttributes.putAll(e.getWorkflowExecutionStartedEventAttributes().getSearchAttributes().getIndexedFieldsMap());
          }
          case EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES ->
              open.searchAttributes.putAll(e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes().getIndexedFieldsMap());
          case EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED ->
              open.memo.putAll(e.getWorkflowPropertiesModifiedEventAttributes().getUpsertedMemo().getFieldsMap());
          case EVENT_TYPE_WORKFLOW_TASK_COMPLETED ->
              open.lastCompletedTaskStartedId = e.getWorkflowTaskCompletedEventAttributes().getStartedEventId();
          default -> {}
        }
      }
      return open;
    }

    /** Timers fire when they were due (at once if that has passed); activities start afresh now. */
    void restoreInto(WorkflowRun run) {
      run.memo().clear();
      run.memo().putAll(memo);
      run.searchAttributes().clear();
      run.searchAttributes().putAll(searchAttributes);
      for (HistoryEvent started : timers.values()) {
        var a = started.getTimerStartedEventAttributes();
        UserTimer timer = new UserTimer(a.getTimerId(), started.getEventId());
        run.timers().put(a.getTimerId(), timer);
        Instant due = ProtoTime.instant(started.getEventTime()).plus(ProtoTime.capped(a.getStartToFireTimeout()));
        timer.arm(run, due.isBefore(run.now()) ? run.now() : due);
      }
      for (HistoryEvent scheduled : activities.values()) {
        var a = scheduled.getActivityTaskScheduledEventAttributes();
        ScheduleActivityTaskCommandAttributes.Builder options = ScheduleActivityTaskCommandAttributes.newBuilder()
            .setActivityId(a.getActivityId())
            .setActivityType(a.getActivityType())
            .setTaskQueue(a.getTaskQueue())
            .setScheduleToCloseTimeout(a.getScheduleToCloseTimeout())
            .setScheduleToStartTimeout(a.getScheduleToStartTimeout())
            .setStartToCloseTimeout(a.getStartToCloseTimeout())
            .setHeartbeatTimeout(a.getHeartbeatTimeout())
            .setRetryPolicy(a.getRetryPolicy());
        if (a.hasInput()) {
          options.setInput(a.getInput());
        }
        if (a.hasHeader()) {
          options.setHeader(a.getHeader());
        }
        if (a.hasPriority()) {
          options.setPriority(a.getPriority());
        }
        ActivityExecution activity = ActivityExecution.schedule(run, scheduled.getEventId(), options.build(), run.now());
        run.activities().put(scheduled.getEventId(), activity);
        run.pendingActivitiesById().put(a.getActivityId(), activity);
      }
    }
  }
}
