package dev.timewarp.assertions.internal;

import dev.timewarp.assertions.ActivityView;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds activities in a history and joins their Scheduled, Started and closing events. */
public final class Activities {
  private Activities() {}

  public static List<ActivityView> all(WorkflowExecution execution, List<HistoryEvent> events) {
    List<ActivityView> views = new ArrayList<>();
    for (HistoryEvent event : events) {
      if (event.hasActivityTaskScheduledEventAttributes()) {
        long id = event.getEventId();
        views.add(new ActivityView(execution, event, find(events, id, true), find(events, id, false), events));
      }
    }
    return views;
  }

  private static Optional<HistoryEvent> find(List<HistoryEvent> events, long scheduledId, boolean started) {
    return events.stream().filter(e -> started ? startedOf(e, scheduledId) : closes(e, scheduledId)).findFirst();
  }

  private static boolean startedOf(HistoryEvent e, long id) {
    return e.hasActivityTaskStartedEventAttributes() && e.getActivityTaskStartedEventAttributes().getScheduledEventId() == id;
  }

  private static boolean closes(HistoryEvent e, long id) {
    return (e.hasActivityTaskCompletedEventAttributes() && e.getActivityTaskCompletedEventAttributes().getScheduledEventId() == id)
        || (e.hasActivityTaskFailedEventAttributes() && e.getActivityTaskFailedEventAttributes().getScheduledEventId() == id)
        || (e.hasActivityTaskTimedOutEventAttributes() && e.getActivityTaskTimedOutEventAttributes().getScheduledEventId() == id)
        || (e.hasActivityTaskCanceledEventAttributes() && e.getActivityTaskCanceledEventAttributes().getScheduledEventId() == id);
  }

  /** "[Activity 'Charge' (scheduled event 5) of workflow order-42 run 7f3a1b2c…]". */
  public static String breadcrumb(ActivityView activity) {
    return "[Activity '" + activity.activityType() + "' (scheduled event " + activity.scheduled().getEventId() + ") of "
        + Breadcrumbs.workflow(activity.execution()) + "]";
  }
}
