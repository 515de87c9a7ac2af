package dev.timewarp.server.internal.activity;

import com.google.protobuf.util.Durations;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.common.v1.RetryPolicy;
import java.time.Duration;
import java.util.Optional;

/** The server's retry-policy defaults, validation and backoff arithmetic (no jitter). */
public final class RetryPolicies {
  static final Duration DEFAULT_INITIAL_INTERVAL = Duration.ofSeconds(1);
  static final double DEFAULT_BACKOFF = 2.0;
  static final int DEFAULT_MAXIMUM_INTERVAL_FACTOR = 100;
  private static final String TIMEOUT_TYPE_PREFIX = "TemporalTimeout:";

  private RetryPolicies() {}

  /** Fills zero-valued fields: initial 1 s, maximum 100 × initial, coefficient 2.0. */
  public static RetryPolicy withDefaults(RetryPolicy policy) {
    RetryPolicy.Builder builder = policy.toBuilder();
    if (!builder.hasInitialInterval() || isZero(builder.getInitialInterval())) {
      builder.setInitialInterval(ProtoTime.duration(DEFAULT_INITIAL_INTERVAL));
    }
    if (!builder.hasMaximumInterval() || isZero(builder.getMaximumInterval())) {
      Duration initial = ProtoTime.duration(builder.getInitialInterval());
      builder.setMaximumInterval(
          ProtoTime.duration(initial.multipliedBy(DEFAULT_MAXIMUM_INTERVAL_FACTOR)));
    }
    if (builder.getBackoffCoefficient() == 0) {
      builder.setBackoffCoefficient(DEFAULT_BACKOFF);
    }
    return builder.build();
  }

  private static boolean isZero(com.google.protobuf.Duration duration) {
    return duration.getSeconds() == 0 && duration.getNanos() == 0;
  }

  /** The real server's validation message for a defaulted policy, if it is invalid. */
  public static Optional<String> validate(RetryPolicy policy) {
    if (policy.getMaximumAttempts() == 1) {
      return Optional.empty();
    }
    if (!ProtoTime.isValid(policy.getInitialInterval())) {
      return Optional.of(
          "invalid InitialInterval set on retry policy: "
              + Durations.toString(policy.getInitialInterval()));
    }
    if (policy.getBackoffCoefficient() < 1) {
      return Optional.of("BackoffCoefficient cannot be less than 1 on retry policy.");
    }
    if (!ProtoTime.isValid(policy.getMaximumInterval())) {
      return Optional.of(
          "invalid MaximumInterval set on retry policy: "
              + Durations.toString(policy.getMaximumInterval()));
    }
    Duration max = ProtoTime.duration(policy.getMaximumInterval());
    if (!max.isZero() && max.compareTo(ProtoTime.duration(policy.getInitialInterval())) < 0) {
      return Optional.of("MaximumInterval cannot be less than InitialInterval on retry policy.");
    }
    if (policy.getMaximumAttempts() < 0) {
      return Optional.of("MaximumAttempts cannot be negative on retry policy.");
    }
    for (String type : policy.getNonRetryableErrorTypesList()) {
      if (type.startsWith(TIMEOUT_TYPE_PREFIX)) {
        String name = type.substring(TIMEOUT_TYPE_PREFIX.length());
        if (!TimeoutNames.isKnown(name)) {
          return Optional.of("Invalid timeout type value: " + name + ".");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The wait before the attempt after {@code failedAttempt}: initial × coefficient^(n−1), capped at
   * the maximum interval; or {@code nextRetryDelay} when the failure asked for one (uncapped).
   * Empty means "do not retry" (an explicit zero delay with no cap).
   */
  public static Optional<Duration> backoff(
      RetryPolicy policy, int failedAttempt, Optional<Duration> nextRetryDelay) {
    Duration initial = ProtoTime.duration(policy.getInitialInterval());
    Duration maximum = ProtoTime.duration(policy.getMaximumInterval());
    double nanos =
        initial.toNanos() * Math.pow(policy.getBackoffCoefficient(), failedAttempt - 1.0);
    long interval = nanos >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) nanos;
    if (!maximum.isZero() && (interval <= 0 || interval > maximum.toNanos())) {
      interval = maximum.toNanos();
    }
    if (nextRetryDelay.isPresent()) {
      interval = nextRetryDelay.get().toNanos();
    }
    if (maximum.isZero() && interval <= 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(Math.max(0, interval)));
  }
}
