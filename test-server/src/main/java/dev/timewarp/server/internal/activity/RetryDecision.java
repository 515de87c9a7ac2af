package dev.timewarp.server.internal.activity;

import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.failure.v1.Failure;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a failed attempt is retried, and after how long: the rules activities and workflows share
 * (retryable failure, maximum attempts, backoff, and a retry that must start in time).
 */
public record RetryDecision(RetryState retryState, Duration backoff) {
  public static RetryDecision stop(RetryState state) {
    return new RetryDecision(state, Duration.ZERO);
  }

  public boolean retries() {
    return retryState == RetryState.RETRY_STATE_IN_PROGRESS;
  }

  /**
   * The decision under a (defaulted) policy after attempt {@code attempt} failed at {@code at}. With
   * a deadline, the next attempt must start before it ({@code strict}) or not after it.
   */
  public static RetryDecision under(RetryPolicy policy, int attempt, Failure failure, Instant at,
      Optional<Instant> deadline, boolean strict) {
    if (!Retryability.isRetryable(failure, policy)) {
      return stop(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
    }
    if (policy.getMaximumAttempts() > 0 && attempt >= policy.getMaximumAttempts()) {
      return stop(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    }
    Optional<Duration> backoff = RetryPolicies.backoff(policy, attempt, Retryability.nextRetryDelay(failure));
    if (backoff.isEmpty()) {
      return stop(RetryState.RETRY_STATE_TIMEOUT);
    }
    Instant next = at.plus(backoff.get());
    boolean inTime = deadline.map(end -> strict ? next.isBefore(end) : !next.isAfter(end)).orElse(true);
    return inTime ? new RetryDecision(RetryState.RETRY_STATE_IN_PROGRESS, backoff.get()) : stop(RetryState.RETRY_STATE_TIMEOUT);
  }
}
