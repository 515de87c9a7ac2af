package dev.timewarp.server.internal.workflow;

import io.temporal.api.history.v1.HistoryEvent;

/** Reads activity ids off activity history events. */
final class ActivityEvents {
  private ActivityEvents() {}

  /** Whether {@code event} closes the activity scheduled at {@code scheduledEventId}. */
  static boolean closes(HistoryEvent.Builder event, long scheduledEventId) {
    return switch (event.getEventType()) {
      case EVENT_TYPE_ACTIVITY_TASK_COMPLETED ->
          event.getActivityTaskCompletedEventAttributes().getScheduledEventId() == scheduledEventId;
      case EVENT_TYPE_ACTIVITY_TASK_FAILED ->
          event.getActivityTaskFailedEventAttributes().getScheduledEventId() == scheduledEventId;
      case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT ->
          event.getActivityTaskTimedOutEventAttributes().getScheduledEventId() == scheduledEventId;
      case EVENT_TYPE_ACTIVITY_TASK_CANCELED ->
          event.getActivityTaskCanceledEventAttributes().getScheduledEventId() == scheduledEventId;
      default -> false;
    };
  }
}
