package dev.timewarp.server.internal.history;

import io.temporal.api.history.v1.HistoryEvent;
import java.util.Map;

/** Points an activity's closing event at the lazily written Started event that precedes it. */
final class ActivityEventWiring {
  private ActivityEventWiring() {}

  static void wireStartedId(HistoryEvent.Builder event, Map<Long, Long> startedIdByScheduledId) {
    switch (event.getEventType()) {
      case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> {
        var attributes = event.getActivityTaskCompletedEventAttributesBuilder();
        if (attributes.getStartedEventId() == HistoryLog.TRANSIENT_EVENT_ID) {
          attributes.setStartedEventId(
              startedIdByScheduledId.getOrDefault(attributes.getScheduledEventId(), 0L));
        }
      }
      case EVENT_TYPE_ACTIVITY_TASK_FAILED -> {
        var attributes = event.getActivityTaskFailedEventAttributesBuilder();
        if (attributes.getStartedEventId() == HistoryLog.TRANSIENT_EVENT_ID) {
          attributes.setStartedEventId(
              startedIdByScheduledId.getOrDefault(attributes.getScheduledEventId(), 0L));
        }
      }
      case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> {
        var attributes = event.getActivityTaskTimedOutEventAttributesBuilder();
        if (attributes.getStartedEventId() == HistoryLog.TRANSIENT_EVENT_ID) {
          attributes.setStartedEventId(
              startedIdByScheduledId.getOrDefault(attributes.getScheduledEventId(), 0L));
        }
      }
      case EVENT_TYPE_ACTIVITY_TASK_CANCELED -> {
        var attributes = event.getActivityTaskCanceledEventAttributesBuilder();
        if (attributes.getStartedEventId() == HistoryLog.TRANSIENT_EVENT_ID) {
          attributes.setStartedEventId(
              startedIdByScheduledId.getOrDefault(attributes.getScheduledEventId(), 0L));
        }
      }
      default -> {}
    }
  }
}
