package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.engine.RequestLimits;
import dev.timewarp.server.internal.activity.ActivityExecution;
import dev.timewarp.server.internal.activity.ActivityScheduling;
import dev.timewarp.server.internal.activity.PayloadLimits;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.namespace.SystemSearchAttributes;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.ActivityTaskCancelRequestedEventAttributes;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.MarkerRecordedEventAttributes;
import io.temporal.api.history.v1.TimerCanceledEventAttributes;
import io.temporal.api.history.v1.TimerFiredEventAttributes;
import io.temporal.api.history.v1.TimerStartedEventAttributes;
import io.temporal.api.history.v1.UpsertWorkflowSearchAttributesEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionCanceledEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionCompletedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionFailedEventAttributes;
import io.temporal.api.history.v1.WorkflowPropertiesModifiedEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskCompletedEventAttributes;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * RespondWorkflowTaskCompleted for one run: every command is validated first, so a bad one fails
 * the workflow task with nothing else changed; then all are applied in order.
 */
final class WorkflowTaskCompletion {
  static final int MAX_PENDING_ACTIVITIES = 2000;
  /** history.workflowTaskHeartbeatTimeout: how long heartbeats may keep one task going. */
  static final Duration HEARTBEAT_LIMIT = Duration.ofMinutes(30);
  private static final int MAX_NAME_LENGTH = RequestLimits.MAX_LENGTH;

  private final WorkflowRun run;
  private final WorkflowTask task;
  private final RespondWorkflowTaskCompletedRequest request;
  private final List<ScheduleActivityTaskCommandAttributes> normalizedActivities = new ArrayList<>();
  private final List<ActivityExecution> eager = new ArrayList<>();
  private final UpdateMessages updateMessages;

  WorkflowTaskCompletion(WorkflowRun run, WorkflowTask task, RespondWorkflowTaskCompletedRequest request) {
    this.run = run;
    this.task = task;
    this.request = request;
    this.updateMessages = new UpdateMessages(run, task, request);
  }

  RespondWorkflowTaskCompletedResponse complete() {
    boolean heartbeat = request.getForceCreateNewWorkflowTask() && request.getCommandsCount() == 0
        && request.getMessagesCount() == 0;
    if (heartbeat && Duration.between(task.originalScheduledTime, run.now()).compareTo(HEARTBEAT_LIMIT) > 0) {
      run.timeOutWorkflowTask(task); // local activities heartbeated the task for too long
      throw EngineException.notFound("workflow task heartbeat timeout");
    }
    try {
      validate();
    } catch (CommandRejection rejection) {
      run.updates().workflowTaskFailed();
      if (task.isTransient() && !rejection.terminatesWorkflow) {
        // a retry that fails the same way again writes nothing; the task runs out its timeout
        throw EngineException.invalidArgument(rejection.fullMessage());
      }
      run.failWorkflowTask(task, rejection.cause, ServerFailures.of(rejection.fullMessage()), request.getIdentity());
      if (rejection.terminatesWorkflow) {
        run.terminate(rejection.getMessage(), io.temporal.api.common.v1.Payloads.getDefaultInstance(), "history-service");
      }
      run.queries().afterWorkflowTask();
      throw EngineException.invalidArgument(rejection.fullMessage());
    }
    if (run.history().hasBuffered() && closesWorkflow()) {
      run.updates().workflowTaskFailed();
      run.failWorkflowTask(
          task, WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, null, request.getIdentity());
      run.queries().afterWorkflowTask();
      throw EngineException.invalidArgument("UnhandledCommand");
    }
    run.useStickyQueue(request.getStickyAttributes(), request.getIdentity());
    if (updateMessages.discardsSpeculativeTask()) {
      return updateMessages.discardSpeculativeTask();
    }
    run.persistTransientEvents(task);
    long completedId = run.append(completedEvent()).getEventId();
    run.beginApplyingCommands();
    int activityIndex = 0;
    for (Command command : request.getCommandsList()) {
      if (!run.isOpen()) {
        break; // nothing follows a closing command
      }
      switch (command.getCommandType()) {
        case COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK ->
            scheduleActivity(normalizedActivities.get(activityIndex++), completedId);
        case COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK -> cancelActivity(command, completedId);
        case COMMAND_TYPE_START_TIMER -> startTimer(command, completedId);
        case COMMAND_TYPE_CANCEL_TIMER -> cancelTimer(command, completedId);
        case COMMAND_TYPE_RECORD_MARKER -> recordMarker(command, completedId);
        case COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES -> upsertSearchAttributes(command, completedId);
        case COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES -> modifyProperties(command, completedId);
        case COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION -> completeWorkflow(command, completedId);
        case COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION -> failWorkflow(command, completedId);
        case COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION -> cancelWorkflow(command, completedId);
        case COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION -> continueAsNew(command, completedId);
        case COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION -> new ExternalWorkflowCommands(run).signal(command, completedId);
        case COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION -> new ChildWorkflows(run).start(command, completedId);
        case COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION ->
            new ExternalWorkflowCommands(run).requestCancel(command, completedId);
        case COMMAND_TYPE_PROTOCOL_MESSAGE -> updateMessages.apply(command);
        default -> throw new IllegalStateException("validated command not applied: " + command.getCommandType());
      }
    }
    updateMessages.applyRemaining();
    boolean newTask = run.endApplyingCommands();
    run.taskCompleted(task);
    newTask |= run.flushBuffered() > 0;
    newTask |= request.getForceCreateNewWorkflowTask();
    run.queries().answer(request.getQueryResultsMap());
    RespondWorkflowTaskCompletedResponse.Builder response = RespondWorkflowTaskCompletedResponse.newBuilder();
    // eager activities start now, for the worker that asked, unless cancelled in this same task
    eager.forEach(activity -> activity.startEagerly(request.getIdentity()).ifPresent(response::addActivityTasks));
    if (run.isOpen() && newTask) {
      if (request.getReturnNewWorkflowTask()) {
        WorkflowTask next = run.startNextWorkflowTaskInline(request.getIdentity());
        next.originalScheduledTime = heartbeat ? task.originalScheduledTime : next.scheduledTime;
        response.setWorkflowTask(run.pollResponseSinceLastTask(next));
      } else {
        run.scheduleWorkflowTask(1);
        if (heartbeat) {
          run.task().originalScheduledTime = task.originalScheduledTime;
        }
      }
    }
    updateMessages.scheduleTaskForAdmitted(response);
    run.queries().afterWorkflowTask();
    return response.build();
  }

  private boolean closesWorkflow() {
    return request.getCommandsList().stream()
        .anyMatch(
            c ->
                switch (c.getCommandType()) {
                  case COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
                      COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
                      COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
                      COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION -> true;
                  default -> false;
                });
  }

  private HistoryEvent.Builder completedEvent() {
    WorkflowTaskCompletedEventAttributes.Builder attributes =
        WorkflowTaskCompletedEventAttributes.newBuilder()
            .setScheduledEventId(task.scheduledEventId)
            .setStartedEventId(task.startedEventId)
            .setIdentity(request.getIdentity())
            .setBinaryChecksum(request.getBinaryChecksum());
    if (request.hasSdkMetadata()) {
      attributes.setSdkMetadata(request.getSdkMetadata());
    }
    if (request.hasMeteringMetadata()) {
      attributes.setMeteringMetadata(request.getMeteringMetadata());
    }
    return run.newEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
        .setWorkflowTaskCompletedEventAttributes(attributes);
  }

  // ---- validation (changes nothing) -----------------------------------------------------------

  private void validate() {
    Set<String> pendingActivityIds = new HashSet<>(run.pendingActivitiesById().keySet());
    Set<Long> cancelled = new HashSet<>();
    Set<String> timerIds = new HashSet<>(run.timers().keySet());
    int pendingActivities = pendingActivityIds.size();
    for (Command command : request.getCommandsList()) {
      switch (command.getCommandType()) {
        case COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK -> {
          if (!command.hasScheduleActivityTaskCommandAttributes()) {
            throw badActivity("ScheduleActivityTaskCommandAttributes is not set on ScheduleActivityTaskCommand.");
          }
          ScheduleActivityTaskCommandAttributes normalized;
          try {
            normalized = ActivityScheduling.normalize(command.getScheduleActivityTaskCommandAttributes(), run.runTimeout());
          } catch (EngineException e) {
            throw badActivity(e.getMessage());
          }
          if (PayloadLimits.tooLarge(normalized.getInput())) {
            throw CommandRejection.terminating(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
                "ScheduleActivityTaskCommandAttributes.Input exceeds size limit.");
          }
          if (pendingActivities >= MAX_PENDING_ACTIVITIES) {
            throw new CommandRejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_ACTIVITIES_LIMIT_EXCEEDED,
                "the number of pending activities, " + pendingActivities
                    + ", has reached the per-workflow limit of " + MAX_PENDING_ACTIVITIES);
          }
          if (!pendingActivityIds.add(normalized.getActivityId())) {
            throw new CommandRejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_SCHEDULE_ACTIVITY_DUPLICATE_ID,
                "invalid history builder state for action: add-activitytask-scheduled-event, ActivityID: "
                    + normalized.getActivityId());
          }
          pendingActivities++;
          normalizedActivities.add(normalized);
        }
        case COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK -> {
          long id = command.getRequestCancelActivityTaskCommandAttributes().getScheduledEventId();
          if (id <= 0) {
            throw badCancelActivity("ScheduledEventId is not set on RequestCancelActivityTaskCommand.");
          }
          ActivityExecution activity = run.activities().get(id);
          boolean pending = activity != null && activity.state() != ActivityExecution.State.CLOSED;
          if ((!pending && !closedInThisTask(id)) || (pending && activity.isCancelRequested()) || !cancelled.add(id)) {
            throw badCancelActivity(
                "invalid history builder state for action: add-activitytask-cancel-requested-event, ScheduledEventID: " + id);
          }
        }
        case COMMAND_TYPE_START_TIMER -> {
          var attributes = command.getStartTimerCommandAttributes();
          if (attributes.getTimerId().isEmpty()) {
            throw new CommandRejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES, "TimerId is not set.");
          }
          if (!ProtoTime.isValid(attributes.getStartToFireTimeout())
              || ProtoTime.duration(attributes.getStartToFireTimeout()).isZero()) {
            throw new CommandRejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES,
                "A valid StartToFireTimeout is not set on StartTimerCommand.");
          }
          if (!timerIds.add(attributes.getTimerId())) {
            throw new CommandRejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_START_TIMER_DUPLICATE_ID,
                "invalid history builder state for action: add-timer-started-event, TimerID: " + attributes.getTimerId());
          }
        }
        case COMMAND_TYPE_CANCEL_TIMER -> {
          String timerId = command.getCancelTimerCommandAttributes().getTimerId();
          if (timerId.isEmpty()) {
            throw new CommandRejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES, "TimerId is not set.");
          }
          if (!timerIds.remove(timerId) && !firedInThisTask(timerId)) {
            throw new CommandRejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES,
                "invalid history builder state for action: add-timer-canceled-event, TimerID: " + timerId);
          }
        }
        case COMMAND_TYPE_RECORD_MARKER -> {
          String name = command.getRecordMarkerCommandAttributes().getMarkerName();
          if (name.isEmpty()) {
            throw new CommandRejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES, "MarkerName is not set on RecordMarkerCommand.");
          }
          if (name.length() > MAX_NAME_LENGTH) {
            throw new CommandRejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES, "MarkerName exceeds length limit.");
          }
        }
        case COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES -> {
          var attributes = command.getUpsertWorkflowSearchAttributesCommandAttributes();
          if (attributes.getSearchAttributes().getIndexedFieldsCount() == 0) {
            throw new CommandRejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, "SearchAttributes is not set on UpsertWorkflowSearchAttributesCommand.");
          }
          for (String name : attributes.getSearchAttributes().getIndexedFieldsMap().keySet()) {
            if (!run.namespace().customSearchAttributes().containsKey(name)) {
              throw new CommandRejection(
                  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES,
                  SystemSearchAttributes.TYPES.containsKey(name)
                      ? "system search attribute " + name + " cannot be upserted"
                      : "search attribute " + name + " is not defined");
            }
          }
        }
        case COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES -> {
          if (!command.getModifyWorkflowPropertiesCommandAttributes().hasUpsertedMemo()) {
            throw new CommandRejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_MODIFY_WORKFLOW_PROPERTIES_ATTRIBUTES,
                "UpsertedMemo is not set on ModifyWorkflowPropertiesCommand.");
          }
        }
        case COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
            COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
            COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION -> {}
        case COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION -> validateContinueAsNew(command);
        case COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION -> ExternalWorkflowCommands.validateSignal(command);
        case COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION -> ChildWorkflows.validate(command, run);
        case COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION -> ExternalWorkflowCommands.validateCancel(command);
        case COMMAND_TYPE_PROTOCOL_MESSAGE -> updateMessages.check(command);
        default -> throw unsupported(command);
      }
    }
    updateMessages.checkRemaining();
  }

  private boolean closedInThisTask(long scheduledEventId) {
    return run.history().buffered().stream().anyMatch(e -> ActivityEvents.closes(e, scheduledEventId));
  }

  private boolean firedInThisTask(String timerId) {
    return run.history().buffered().stream()
        .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_FIRED
            && e.getTimerFiredEventAttributes().getTimerId().equals(timerId));
  }

  private static CommandRejection badActivity(String message) {
    return new CommandRejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, message);
  }

  private static CommandRejection badCancelActivity(String message) {
    return new CommandRejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES, message);
  }

  private void validateContinueAsNew(Command command) {
    if (!command.hasContinueAsNewWorkflowExecutionCommandAttributes()) {
      throw badContinueAsNew("ContinueAsNewWorkflowExecutionCommandAttributes is not set on ContinueAsNewWorkflowExecutionCommand.");
    }
    var a = command.getContinueAsNewWorkflowExecutionCommandAttributes();
    if (a.getWorkflowType().getName().length() > MAX_NAME_LENGTH) {
      throw badContinueAsNew("WorkflowType exceeds length limit.");
    }
    if (a.getTaskQueue().getName().length() > MAX_NAME_LENGTH) {
      throw badContinueAsNew("TaskQueue length exceeds limit.");
    }
    if (!ProtoTime.isValid(a.getWorkflowRunTimeout())) {
      throw badContinueAsNew("Invalid WorkflowRunTimeout.");
    }
    if (!ProtoTime.isValid(a.getWorkflowTaskTimeout())) {
      throw badContinueAsNew("Invalid WorkflowTaskTimeout.");
    }
    if (!ProtoTime.isValid(a.getBackoffStartInterval())) {
      throw badContinueAsNew("Invalid BackoffStartInterval.");
    }
    StartRequests.checkCommandRunOptions(run, a.hasRetryPolicy() ? Optional.of(a.getRetryPolicy()) : Optional.empty(),
        a.getCronSchedule(), a.getSearchAttributes(), WorkflowTaskCompletion::badContinueAsNew);
  }

  private static CommandRejection badContinueAsNew(String message) {
    return new CommandRejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CONTINUE_AS_NEW_ATTRIBUTES, message);
  }

  private static CommandRejection unsupported(Command command) {
    return new CommandRejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
        command.getCommandType() + " is not supported by Timewarp yet");
  }

  // ---- application ----------------------------------------------------------------------------

  private void scheduleActivity(ScheduleActivityTaskCommandAttributes a, long completedId) {
    ActivityTaskScheduledEventAttributes.Builder attributes =
        ActivityTaskScheduledEventAttributes.newBuilder()
            .setActivityId(a.getActivityId())
            .setActivityType(a.getActivityType())
            .setTaskQueue(a.getTaskQueue())
            .setScheduleToCloseTimeout(a.getScheduleToCloseTimeout())
            .setScheduleToStartTimeout(a.getScheduleToStartTimeout())
            .setStartToCloseTimeout(a.getStartToCloseTimeout())
            .setHeartbeatTimeout(a.getHeartbeatTimeout())
            .setWorkflowTaskCompletedEventId(completedId)
            .setRetryPolicy(a.getRetryPolicy())
            .setUseWorkflowBuildId(a.getUseWorkflowBuildId());
    if (a.hasHeader()) {
      attributes.setHeader(a.getHeader());
    }
    if (a.hasInput()) {
      attributes.setInput(a.getInput());
    }
    if (a.hasPriority()) {
      attributes.setPriority(a.getPriority());
    }
    HistoryEvent event =
        run.append(run.newEvent(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).setActivityTaskScheduledEventAttributes(attributes));
    long scheduledId = event.getEventId();
    java.time.Instant scheduledAt = ProtoTime.instant(event.getEventTime()); // the activity's clock starts at its event
    ActivityExecution activity;
    if (a.getRequestEagerExecution()) {
      activity = ActivityExecution.scheduleEager(run, scheduledId, a, scheduledAt);
      eager.add(activity);
    } else {
      activity = ActivityExecution.schedule(run, scheduledId, a, scheduledAt);
    }
    run.activities().put(scheduledId, activity);
    run.pendingActivitiesById().put(a.getActivityId(), activity);
  }

  private void cancelActivity(Command command, long completedId) {
    long scheduledId = command.getRequestCancelActivityTaskCommandAttributes().getScheduledEventId();
    long requestedId =
        run.append(
                run.newEvent(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)
                    .setActivityTaskCancelRequestedEventAttributes(
                        ActivityTaskCancelRequestedEventAttributes.newBuilder()
                            .setScheduledEventId(scheduledId)
                            .setWorkflowTaskCompletedEventId(completedId)))
            .getEventId();
    ActivityExecution activity = run.activities().get(scheduledId);
    if (activity != null && activity.state() != ActivityExecution.State.CLOSED) {
      activity.requestCancel(requestedId, request.getIdentity());
    }
  }

  private void startTimer(Command command, long completedId) {
    var attributes = command.getStartTimerCommandAttributes();
    Duration fireAfter = ProtoTime.capped(attributes.getStartToFireTimeout());
    long startedId =
        run.append(
                run.newEvent(EventType.EVENT_TYPE_TIMER_STARTED)
                    .setTimerStartedEventAttributes(
                        TimerStartedEventAttributes.newBuilder()
                            .setTimerId(attributes.getTimerId())
                            .setStartToFireTimeout(attributes.getStartToFireTimeout())
                            .setWorkflowTaskCompletedEventId(completedId)))
            .getEventId();
    UserTimer timer = new UserTimer(attributes.getTimerId(), startedId);
    run.timers().put(timer.timerId, timer);
    timer.arm(run, run.now().plus(fireAfter));
  }

  private void cancelTimer(Command command, long completedId) {
    String timerId = command.getCancelTimerCommandAttributes().getTimerId();
    UserTimer timer = run.timers().remove(timerId);
    long startedId;
    if (timer != null) {
      timer.cancelDeadline();
      startedId = timer.startedEventId;
    } else {
      // it fired while this task ran: the workflow cancelled it first, so the firing never happened
      HistoryEvent.Builder fired =
          run.history().buffered().stream()
              .filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_FIRED
                  && e.getTimerFiredEventAttributes().getTimerId().equals(timerId))
              .findFirst()
              .orElseThrow();
      startedId = fired.getTimerFiredEventAttributes().getStartedEventId();
      run.history().removeBuffered(e -> e == fired);
    }
    run.append(
        run.newEvent(EventType.EVENT_TYPE_TIMER_CANCELED)
            .setTimerCanceledEventAttributes(
                TimerCanceledEventAttributes.newBuilder()
                    .setTimerId(timerId)
                    .setStartedEventId(startedId)
                    .setWorkflowTaskCompletedEventId(completedId)
                    .setIdentity(request.getIdentity())));
  }

  private void recordMarker(Command command, long completedId) {
    var a = command.getRecordMarkerCommandAttributes();
    MarkerRecordedEventAttributes.Builder attributes =
        MarkerRecordedEventAttributes.newBuilder()
            .setMarkerName(a.getMarkerName())
            .putAllDetails(a.getDetailsMap())
            .setWorkflowTaskCompletedEventId(completedId);
    if (a.hasHeader()) {
      attributes.setHeader(a.getHeader());
    }
    if (a.hasFailure()) {
      attributes.setFailure(a.getFailure());
    }
    run.append(run.newEvent(EventType.EVENT_TYPE_MARKER_RECORDED).setMarkerRecordedEventAttributes(attributes));
  }

  private void upsertSearchAttributes(Command command, long completedId) {
    var attributes = command.getUpsertWorkflowSearchAttributesCommandAttributes().getSearchAttributes();
    run.searchAttributes().putAll(attributes.getIndexedFieldsMap());
    run.append(
        run.newEvent(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
            .setUpsertWorkflowSearchAttributesEventAttributes(
                UpsertWorkflowSearchAttributesEventAttributes.newBuilder()
                    .setSearchAttributes(attributes)
                    .setWorkflowTaskCompletedEventId(completedId)));
  }

  private void modifyProperties(Command command, long completedId) {
    var memo = command.getModifyWorkflowPropertiesCommandAttributes().getUpsertedMemo();
    run.memo().putAll(memo.getFieldsMap());
    run.append(
        run.newEvent(EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED)
            .setWorkflowPropertiesModifiedEventAttributes(
                WorkflowPropertiesModifiedEventAttributes.newBuilder()
                    .setUpsertedMemo(memo)
                    .setWorkflowTaskCompletedEventId(completedId)));
  }

  private void completeWorkflow(Command command, long completedId) {
    var a = command.getCompleteWorkflowExecutionCommandAttributes();
    new RunSuccession(run).completed(a.hasResult() ? Optional.of(a.getResult()) : Optional.empty(), completedId);
  }

  private void failWorkflow(Command command, long completedId) {
    new RunSuccession(run).failed(command.getFailWorkflowExecutionCommandAttributes().getFailure(), completedId);
  }

  private void continueAsNew(Command command, long completedId) {
    new RunSuccession(run).continuedAsNew(command.getContinueAsNewWorkflowExecutionCommandAttributes(), completedId);
  }

  private void cancelWorkflow(Command command, long completedId) {
    var a = command.getCancelWorkflowExecutionCommandAttributes();
    WorkflowExecutionCanceledEventAttributes.Builder attributes =
        WorkflowExecutionCanceledEventAttributes.newBuilder().setWorkflowTaskCompletedEventId(completedId);
    if (a.hasDetails()) {
      attributes.setDetails(a.getDetails());
    }
    run.close(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED,
        run.newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED).setWorkflowExecutionCanceledEventAttributes(attributes));
  }

}
