package dev.timewarp.server.internal.activity;

import io.temporal.api.enums.v1.TimeoutType;

/** The PascalCase timeout names the real server uses in messages and non-retryable types. */
public final class TimeoutNames {
  private TimeoutNames() {}

  public static String of(TimeoutType type) {
    return switch (type) {
      case TIMEOUT_TYPE_START_TO_CLOSE -> "StartToClose";
      case TIMEOUT_TYPE_SCHEDULE_TO_START -> "ScheduleToStart";
      case TIMEOUT_TYPE_SCHEDULE_TO_CLOSE -> "ScheduleToClose";
      case TIMEOUT_TYPE_HEARTBEAT -> "Heartbeat";
      default -> "Unspecified";
    };
  }

  static boolean isKnown(String name) {
    return name.equals("StartToClose")
        || name.equals("ScheduleToStart")
        || name.equals("ScheduleToClose")
        || name.equals("Heartbeat");
  }
}
