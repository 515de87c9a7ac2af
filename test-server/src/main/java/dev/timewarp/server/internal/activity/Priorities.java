package dev.timewarp.server.internal.activity;

import io.temporal.api.common.v1.Priority;

/** Priority of a task: the workflow's, with the activity's own fields winning where set. */
final class Priorities {
  private Priorities() {}

  static Priority merge(Priority base, Priority override) {
    Priority.Builder merged = base.toBuilder();
    if (override.getPriorityKey() != 0) {
      merged.setPriorityKey(override.getPriorityKey());
    }
    if (!override.getFairnessKey().isEmpty()) {
      merged.setFairnessKey(override.getFairnessKey());
    }
    if (override.getFairnessWeight() != 0) {
      merged.setFairnessWeight(override.getFairnessWeight());
    }
    return merged.build();
  }
}
