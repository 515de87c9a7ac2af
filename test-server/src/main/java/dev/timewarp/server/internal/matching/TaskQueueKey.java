package dev.timewarp.server.internal.matching;

/** A task queue is named per namespace and kind of task. */
public record TaskQueueKey(String namespace, String name, Type type) {
  /** Workflow and activity tasks live in separate queues of the same name. */
  public enum Type {
    WORKFLOW,
    ACTIVITY
  }

  @Override
  public String toString() {
    return (type == Type.WORKFLOW ? "workflow" : "activity") + " task queue '" + name + "'";
  }
}
