package dev.timewarp.server.internal.activity;

import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.failure.v1.Failure;
import java.time.Duration;
import java.util.Optional;

/** Whether a failure may be retried; only the top-level failure counts, as on the real server. */
public final class Retryability {
  private Retryability() {}

  public static boolean isRetryable(Failure failure, RetryPolicy policy) {
    if (failure.hasTerminatedFailureInfo() || failure.hasCanceledFailureInfo()) {
      return false;
    }
    if (failure.hasTimeoutFailureInfo()) {
      TimeoutType type = failure.getTimeoutFailureInfo().getTimeoutType();
      if (type != TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE
          && type != TimeoutType.TIMEOUT_TYPE_HEARTBEAT) {
        return false;
      }
      return !policy.getNonRetryableErrorTypesList().contains("TemporalTimeout:" + TimeoutNames.of(type));
    }
    if (failure.hasServerFailureInfo()) {
      return !failure.getServerFailureInfo().getNonRetryable();
    }
    if (failure.hasApplicationFailureInfo()) {
      var info = failure.getApplicationFailureInfo();
      return !info.getNonRetryable() && !policy.getNonRetryableErrorTypesList().contains(info.getType());
    }
    return true;
  }

  public static Optional<Duration> nextRetryDelay(Failure failure) {
    if (failure.hasApplicationFailureInfo() && failure.getApplicationFailureInfo().hasNextRetryDelay()) {
      return Optional.of(ProtoTime.duration(failure.getApplicationFailureInfo().getNextRetryDelay()));
    }
    return Optional.empty();
  }
}
