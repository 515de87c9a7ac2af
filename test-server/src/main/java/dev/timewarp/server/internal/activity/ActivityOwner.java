package dev.timewarp.server.internal.activity;

import dev.timewarp.server.internal.engine.Engine;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.List;

/**
 * What an activity needs from whoever owns it: a workflow run today, a standalone activity
 * execution later. One state machine, two owners.
 */
public interface ActivityOwner {
  Engine engine();

  String namespaceName();

  /** The owner's time: the server's, or a workflow execution's own when it skips time by itself. */
  default java.time.Instant now() {
    return engine().now();
  }

  /** Schedules work at an instant of the owner's time. */
  default dev.timewarp.server.internal.time.Deadline schedule(java.time.Instant at, long rank, String description, Runnable action) {
    return engine().deadlines().schedule(at, rank, description, action);
  }

  String workflowId();

  String runId();

  /** Whether the owner still accepts activity outcomes. */
  boolean isOpen();

  /** Records events the owner must react to, in order (for workflows: then a workflow task). */
  void addWorkflowEvents(List<HistoryEvent.Builder> events);

  /** The activity closed; the owner forgets it as pending. */
  void activityClosed(ActivityExecution activity);

  /** The activity's state changed (started, heartbeat, retry, pause…); closing is reported by events. */
  default void activityChanged(ActivityExecution activity) {}

  /** Adds the owner's fields (e.g. the workflow type) to a task handed to a worker. */
  void describeTask(io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse.Builder response);

  /** Whether tasks of this owner's activities are standalone (no workflow). */
  default boolean isStandalone() {
    return false;
  }

  /** A short description for diagnostics, e.g. "workflow 'order-42' (run …)". */
  String describe();
}
