package dev.timewarp.assertions.internal;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.Locale;

/** Readable names and one-line summaries of history events. */
public final class Events {
  private Events() {}

  /** "ActivityTaskScheduled" for EVENT_TYPE_ACTIVITY_TASK_SCHEDULED. */
  public static String name(EventType type) {
    StringBuilder name = new StringBuilder();
    for (String word : type.name().substring("EVENT_TYPE_".length()).split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }

  public static String describe(HistoryEvent event) {
    String details =
        switch (event.getEventType()) {
          case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> "'" + event.getActivityTaskScheduledEventAttributes().getActivityType().getName()
              + "' id=" + event.getActivityTaskScheduledEventAttributes().getActivityId();
          case EVENT_TYPE_ACTIVITY_TASK_STARTED -> "attempt=" + event.getActivityTaskStartedEventAttributes().getAttempt();
          case EVENT_TYPE_ACTIVITY_TASK_FAILED -> failure(event.getActivityTaskFailedEventAttributes().getFailure())
              + " " + retry(event.getActivityTaskFailedEventAttributes().getRetryState());
          case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> failure(event.getActivityTaskTimedOutEventAttributes().getFailure())
              + " " + retry(event.getActivityTaskTimedOutEventAttributes().getRetryState());
          case EVENT_TYPE_TIMER_STARTED -> "timer " + event.getTimerStartedEventAttributes().getTimerId();
          case EVENT_TYPE_TIMER_FIRED -> "timer " + event.getTimerFiredEventAttributes().getTimerId();
          case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> "'" + event.getWorkflowExecutionSignaledEventAttributes().getSignalName() + "'";
          case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED -> failure(event.getWorkflowExecutionFailedEventAttributes().getFailure());
          case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED -> "reason=" + event.getWorkflowExecutionTerminatedEventAttributes().getReason();
          case EVENT_TYPE_MARKER_RECORDED -> event.getMarkerRecordedEventAttributes().getMarkerName();
          default -> "";
        };
    return details.isEmpty() ? name(event.getEventType()) : name(event.getEventType()) + " " + details;
  }

  private static String failure(Failure failure) {
    return "\"" + failure.getMessage() + "\"";
  }

  private static String retry(io.temporal.api.enums.v1.RetryState state) {
    return "(" + state.name().replace("RETRY_STATE_", "").toLowerCase(Locale.ROOT) + ")";
  }
}
