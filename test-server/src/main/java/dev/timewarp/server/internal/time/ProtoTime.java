package dev.timewarp.server.internal.time;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;

/** Conversions between java.time and protobuf's well-known time types. */
public final class ProtoTime {
  /** The real server silently caps durations at 100 years. */
  public static final Duration MAX_DURATION = Duration.ofDays(365L * 100);

  private ProtoTime() {}

  public static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  public static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  public static com.google.protobuf.Duration duration(Duration duration) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }

  public static Duration duration(com.google.protobuf.Duration duration) {
    return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
  }

  /** Whether a protobuf duration is well formed: not negative, seconds and nanos of one sign. */
  public static boolean isValid(com.google.protobuf.Duration duration) {
    return duration.getSeconds() >= 0
        && duration.getNanos() >= 0
        && duration.getNanos() < 1_000_000_000;
  }

  /** A valid duration capped at 100 years. */
  public static Duration capped(com.google.protobuf.Duration duration) {
    Duration value = duration(duration);
    return value.compareTo(MAX_DURATION) > 0 ? MAX_DURATION : value;
  }

  public static String describe(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
