package dev.timewarp.server.internal.engine;

import java.util.HashMap;
import java.util.Map;

/** Faults a test asked for that take effect later (e.g. the next delivery of an activity is lost). */
public final class FaultPlan {
  private final Map<String, Integer> droppedDeliveries = new HashMap<>();

  public void dropNextDelivery(String activityType) {
    droppedDeliveries.merge(activityType, 1, Integer::sum);
  }

  /** Whether this delivery of {@code activityType} should be lost; counts it if so. */
  public boolean consumeDroppedDelivery(String activityType) {
    Integer pending = droppedDeliveries.get(activityType);
    if (pending == null) {
      return false;
    }
    if (pending == 1) {
      droppedDeliveries.remove(activityType);
    } else {
      droppedDeliveries.put(activityType, pending - 1);
    }
    return true;
  }
}
