package dev.timewarp.junit.internal;

import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.Locale;

/** One readable line for an event: its type and the attributes that usually explain a failure. */
final class EventSummary {
  private EventSummary() {}

  static String of(HistoryEvent event) {
    String type = typeName(event);
    String details =
        switch (event.getEventType()) {
          case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> event.getActivityTaskScheduledEventAttributes().getActivityType().getName()
              + " id=" + event.getActivityTaskScheduledEventAttributes().getActivityId();
          case EVENT_TYPE_ACTIVITY_TASK_STARTED -> "attempt=" + event.getActivityTaskStartedEventAttributes().getAttempt()
              + " worker=" + event.getActivityTaskStartedEventAttributes().getIdentity();
          case EVENT_TYPE_ACTIVITY_TASK_FAILED -> failure(event.getActivityTaskFailedEventAttributes().getFailure())
              + " " + retry(event.getActivityTaskFailedEventAttributes().getRetryState());
          case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> failure(event.getActivityTaskTimedOutEventAttributes().getFailure())
              + " " + retry(event.getActivityTaskTimedOutEventAttributes().getRetryState());
          case EVENT_TYPE_TIMER_STARTED -> "timer " + event.getTimerStartedEventAttributes().getTimerId()
              + " for " + event.getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds() + "s";
          case EVENT_TYPE_TIMER_FIRED -> "timer " + event.getTimerFiredEventAttributes().getTimerId();
          case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> "signal " + event.getWorkflowExecutionSignaledEventAttributes().getSignalName();
          case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED -> failure(event.getWorkflowExecutionFailedEventAttributes().getFailure());
          case EVENT_TYPE_WORKFLOW_TASK_FAILED -> event.getWorkflowTaskFailedEventAttributes().getCause().name()
              .replace("WORKFLOW_TASK_FAILED_CAUSE_", "").toLowerCase(Locale.ROOT)
              + ": " + event.getWorkflowTaskFailedEventAttributes().getFailure().getMessage();
          case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED -> "reason: " + event.getWorkflowExecutionTerminatedEventAttributes().getReason();
          case EVENT_TYPE_MARKER_RECORDED -> event.getMarkerRecordedEventAttributes().getMarkerName();
          default -> "";
        };
    return details.isEmpty() ? type : type + "  " + details;
  }

  private static String typeName(HistoryEvent event) {
    StringBuilder name = new StringBuilder();
    for (String word : event.getEventType().name().substring("EVENT_TYPE_".length()).split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }

  private static String failure(Failure failure) {
    return "\"" + failure.getMessage() + "\"";
  }

  private static String retry(io.temporal.api.enums.v1.RetryState state) {
    return "(" + state.name().replace("RETRY_STATE_", "").toLowerCase(Locale.ROOT) + ")";
  }
}
