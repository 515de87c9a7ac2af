package dev.timewarp.assertions;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.List;
import java.util.Optional;

/**
 * One activity as the history shows it: its Scheduled event, the (lazily written) Started event of
 * its last attempt, and its closing event if it closed.
 *
 * @param execution the workflow the activity belongs to
 * @param scheduled the ActivityTaskScheduled event
 * @param started the ActivityTaskStarted event (last attempt), if written
 * @param closed the closing event (completed, failed, timed out or canceled), if any
 * @param history every event of the workflow, for context in messages
 */
public record ActivityView(
    WorkflowExecution execution,
    HistoryEvent scheduled,
    Optional<HistoryEvent> started,
    Optional<HistoryEvent> closed,
    List<HistoryEvent> history) {

  public ActivityTaskScheduledEventAttributes attributes() {
    return scheduled.getActivityTaskScheduledEventAttributes();
  }

  public String activityType() {
    return attributes().getActivityType().getName();
  }

  public String activityId() {
    return attributes().getActivityId();
  }

  @Override
  public String toString() {
    return "activity '" + activityType() + "' (scheduled event " + scheduled.getEventId() + ")";
  }
}
