package dev.timewarp.assertions;

import static dev.timewarp.assertions.error.ShouldMatchFailure.shouldBe;

import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TimeoutFailure;
import java.util.Objects;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;

/**
 * Assertions on Temporal failures as a workflow or client sees them. Kinds are looked up along the
 * cause chain, so {@code assertThat(workflowFailed).isTimeout(START_TO_CLOSE)} finds the
 * TimeoutFailure inside the ActivityFailure inside the WorkflowFailedException.
 */
public class FailureAssert extends AbstractThrowableAssert<FailureAssert, Throwable> {
  public FailureAssert(Throwable actual) {
    super(actual, FailureAssert.class);
  }

  private <T extends Throwable> Optional<T> find(Class<T> kind) {
    for (Throwable t = actual; t != null; t = t.getCause()) {
      if (kind.isInstance(t)) {
        return Optional.of(kind.cast(t));
      }
    }
    return Optional.empty();
  }

  private <T extends Throwable> T require(Class<T> kind, String expectation) {
    isNotNull();
    return find(kind).orElseGet(() -> {
      throwAssertionError(shouldBe(expectation, chain()));
      return null;
    });
  }

  /** One line per failure in the chain: kind, the attributes that matter, and the message. */
  private String chain() {
    StringBuilder out = new StringBuilder();
    String prefix = "  ";
    for (Throwable t = actual; t != null; t = t.getCause()) {
      out.append(prefix).append(describe(t)).append('\n');
      prefix = "  caused by ";
    }
    return out.toString().stripTrailing();
  }

  private static String describe(Throwable t) {
    String kind = t.getClass().getSimpleName();
    if (t instanceof ApplicationFailure app) {
      kind += "(type=" + app.getType() + ", nonRetryable=" + app.isNonRetryable() + ")";
      return kind + ": \"" + app.getOriginalMessage() + "\"";
    }
    if (t instanceof TimeoutFailure timeout) {
      return kind + "(" + timeout.getTimeoutType() + ")";
    }
    if (t instanceof ActivityFailure activity) {
      return kind + "(type=" + activity.getActivityType() + ", id=" + activity.getActivityId() + ", retryState="
          + activity.getRetryState() + ")";
    }
    return kind + ": \"" + t.getMessage() + "\"";
  }

  /** An activity failed: the failure is, or is caused by, an ActivityFailure. */
  public FailureAssert isActivityFailure() {
    require(ActivityFailure.class, "an activity failure");
    return myself;
  }

  public FailureAssert isActivityFailure(String activityType) {
    ActivityFailure failure = require(ActivityFailure.class, "a failure of activity '" + activityType + "'");
    if (!failure.getActivityType().equals(activityType)) {
      throwAssertionError(shouldBe("a failure of activity '" + activityType + "'", chain()));
    }
    return myself;
  }

  /** The activity failure in the chain is that of the activity with this id. */
  public FailureAssert hasActivityId(String activityId) {
    ActivityFailure failure = require(ActivityFailure.class, "a failure of activity id " + activityId);
    if (!failure.getActivityId().equals(activityId)) {
      throwAssertionError(shouldBe("a failure of activity id " + activityId, chain()));
    }
    return myself;
  }

  public FailureAssert isTimeout(TimeoutType type) {
    TimeoutFailure timeout = require(TimeoutFailure.class, "a timeout (" + type + ")");
    if (timeout.getTimeoutType() != type) {
      throwAssertionError(shouldBe("a timeout (" + type + ")", chain()));
    }
    return myself;
  }

  public FailureAssert isCanceled() {
    require(CanceledFailure.class, "a cancellation");
    return myself;
  }

  /** The retry state of the outermost failure that has one (workflow, child workflow or activity). */
  public FailureAssert hasRetryState(RetryState expected) {
    isNotNull();
    Optional<RetryState> state = Optional.empty();
    for (Throwable t = actual; t != null && state.isEmpty(); t = t.getCause()) {
      if (t instanceof WorkflowFailedException w) {
        state = Optional.of(w.getRetryState());
      } else if (t instanceof ActivityFailure a) {
        state = Optional.of(a.getRetryState());
      } else if (t instanceof ChildWorkflowFailure c) {
        state = Optional.of(c.getRetryState());
      }
    }
    if (state.isEmpty() || state.get() != expected) {
      throwAssertionError(shouldBe("a failure with retry state " + expected, chain()));
    }
    return myself;
  }

  public FailureAssert isApplicationFailure(String type) {
    ApplicationFailure failure = require(ApplicationFailure.class, "an application failure of type " + type);
    if (!failure.getType().equals(type)) {
      throwAssertionError(shouldBe("an application failure of type " + type, chain()));
    }
    return myself;
  }

  public FailureAssert isNonRetryable() {
    ApplicationFailure failure = require(ApplicationFailure.class, "a non-retryable application failure");
    if (!failure.isNonRetryable()) {
      throwAssertionError(shouldBe("a non-retryable application failure", chain()));
    }
    return myself;
  }

  /** The first details value of the application failure in the chain, decoded. */
  public <T> FailureAssert hasDetails(Class<T> type, T expected) {
    ApplicationFailure failure = require(ApplicationFailure.class, "an application failure with details " + expected);
    T value = failure.getDetails().getSize() == 0 ? null : failure.getDetails().get(type);
    if (!Objects.equals(value, expected)) {
      throwAssertionError(shouldBe("an application failure with details " + expected + " (were " + value + ")", chain()));
    }
    return myself;
  }

  /** Moves to the cause, to continue with failure assertions there. */
  public FailureAssert failureCause() {
    isNotNull();
    if (actual.getCause() == null) {
      throwAssertionError(shouldBe("a failure with a cause", chain()));
    }
    return new FailureAssert(actual.getCause());
  }
}
