package dev.timewarp.assertions;

import static dev.timewarp.assertions.error.ShouldHaveActivityAttribute.shouldHave;
import static dev.timewarp.assertions.error.ShouldHaveActivityOutcome.shouldHaveOutcome;

import dev.timewarp.assertions.internal.Activities;
import dev.timewarp.assertions.internal.Timeline;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/** Assertions on one activity of a history: the options it was scheduled with and how it ended. */
public class ActivityAssert extends AbstractAssert<ActivityAssert, ActivityView> {
  private DataConverter dataConverter = DefaultDataConverter.STANDARD_INSTANCE;
  private java.util.List<dev.timewarp.assertions.internal.AttemptAdapter.Attempt> attempts;

  public ActivityAssert(ActivityView actual) {
    super(actual, ActivityAssert.class);
  }

  public ActivityAssert usingDataConverter(DataConverter converter) {
    this.dataConverter = converter;
    return myself;
  }

  private String breadcrumb() {
    return Activities.breadcrumb(actual);
  }

  // ---- outcome ----------------------------------------------------------------------------------

  public ActivityAssert isCompleted() {
    return hasOutcome(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, "completed");
  }

  public ActivityAssert isFailed() {
    return hasOutcome(EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED, "failed");
  }

  public ActivityAssert isCanceled() {
    return hasOutcome(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED, "been canceled");
  }

  public ActivityAssert isTimedOut() {
    return hasOutcome(EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT, "timed out");
  }

  /** Timed out, with this timeout type in its failure (the server's final type, e.g. SCHEDULE_TO_CLOSE). */
  public ActivityAssert isTimedOut(TimeoutType type) {
    isTimedOut();
    TimeoutType actualType = closingFailure().orElseThrow().getTimeoutFailureInfo().getTimeoutType();
    if (actualType != type) {
      throwAssertionError(shouldHaveOutcome(breadcrumb(), "timed out (" + name(type) + ")", "timed out (" + name(actualType) + ")"));
    }
    return myself;
  }

  private ActivityAssert hasOutcome(EventType expected, String description) {
    isNotNull();
    Optional<HistoryEvent> closed = actual.closed();
    if (closed.isEmpty() || closed.get().getEventType() != expected) {
      throwAssertionError(shouldHaveOutcome(breadcrumb(), description, howItEnded()));
    }
    return myself;
  }

  private String howItEnded() {
    if (actual.closed().isEmpty()) {
      return "is still pending";
    }
    HistoryEvent closed = actual.closed().get();
    String attempt = " after attempt " + finalAttempt();
    return switch (closed.getEventType()) {
      case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> "completed" + attempt;
      case EVENT_TYPE_ACTIVITY_TASK_FAILED -> "failed" + attempt + " (" + name(closed.getActivityTaskFailedEventAttributes().getRetryState())
          + "): \"" + closed.getActivityTaskFailedEventAttributes().getFailure().getMessage() + "\"";
      case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> "timed out (" + name(closed.getActivityTaskTimedOutEventAttributes().getFailure()
          .getTimeoutFailureInfo().getTimeoutType()) + ")" + attempt + " ("
          + name(closed.getActivityTaskTimedOutEventAttributes().getRetryState()) + ")";
      default -> "was canceled" + (actual.started().isPresent() ? attempt : " before it started");
    };
  }

  // ---- attempts and failures --------------------------------------------------------------------

  /** The attempt the history's Started event describes (the last one); 0 if it never started. */
  private int finalAttempt() {
    return actual.started().map(e -> e.getActivityTaskStartedEventAttributes().getAttempt()).orElse(0);
  }

  /** The number of the last attempt, the one the Started event describes. */
  public ActivityAssert hasFinalAttempt(int expected) {
    isNotNull();
    if (finalAttempt() != expected) {
      throwAssertionError(shouldHave(breadcrumb(), "the final attempt", Integer.toString(expected), Integer.toString(finalAttempt())));
    }
    return myself;
  }

  public ActivityAssert hasRetryState(RetryState expected) {
    isNotNull();
    RetryState state = actual.closed().map(ActivityAssert::retryState).orElse(RetryState.RETRY_STATE_UNSPECIFIED);
    if (state != expected) {
      throwAssertionError(shouldHave(breadcrumb(), "the retry state", name(expected), name(state)));
    }
    return myself;
  }

  private static RetryState retryState(HistoryEvent closed) {
    if (closed.hasActivityTaskFailedEventAttributes()) {
      return closed.getActivityTaskFailedEventAttributes().getRetryState();
    }
    if (closed.hasActivityTaskTimedOutEventAttributes()) {
      return closed.getActivityTaskTimedOutEventAttributes().getRetryState();
    }
    return RetryState.RETRY_STATE_UNSPECIFIED;
  }

  private Optional<Failure> closingFailure() {
    return actual.closed().flatMap(closed -> closed.hasActivityTaskFailedEventAttributes()
        ? Optional.of(closed.getActivityTaskFailedEventAttributes().getFailure())
        : closed.hasActivityTaskTimedOutEventAttributes()
            ? Optional.of(closed.getActivityTaskTimedOutEventAttributes().getFailure())
            : Optional.empty());
  }

  /** The message of the failure the activity closed with (failed or timed out). */
  public ActivityAssert hasFailureMessage(String expected) {
    isNotNull();
    String message = closingFailure().map(Failure::getMessage).orElse("(no failure: it " + howItEnded() + ")");
    if (!message.equals(expected)) {
      throwAssertionError(shouldHave(breadcrumb(), "the failure message", quote(expected), quote(message)));
    }
    return myself;
  }

  /** The message of the failure that ended the previous attempt (what made the last retry). */
  public ActivityAssert hasPreviousAttemptFailureMessage(String expected) {
    isNotNull();
    String message = actual.started()
        .filter(e -> e.getActivityTaskStartedEventAttributes().hasLastFailure())
        .map(e -> e.getActivityTaskStartedEventAttributes().getLastFailure().getMessage())
        .orElse("(none: the last attempt was attempt " + finalAttempt() + ")");
    if (!message.equals(expected)) {
      throwAssertionError(shouldHave(breadcrumb(), "the previous attempt's failure", quote(expected), quote(message)));
    }
    return myself;
  }

  /** The heartbeat details carried by its timeout, decoded. */
  public <T> ActivityAssert hasLastHeartbeatDetails(Class<T> type, T expected) {
    isNotNull();
    Optional<Payloads> details = closingFailure()
        .filter(Failure::hasTimeoutFailureInfo)
        .map(f -> f.getTimeoutFailureInfo().getLastHeartbeatDetails())
        .filter(p -> p.getPayloadsCount() > 0);
    T value = details.isPresent() ? dataConverter.fromPayloads(0, details, type, type) : null;
    if (!Objects.equals(value, expected)) {
      throwAssertionError(shouldHave(breadcrumb(), "the last heartbeat details", String.valueOf(expected),
          details.isEmpty() ? "(none)" : String.valueOf(value)));
    }
    return myself;
  }

  // ---- every attempt (from the server's records) ---------------------------------------------------

  /**
   * Every attempt of this activity, as Timewarp records them ({@code server.activityRecords(id)}
   * → {@code attempts()}); the history itself shows only the last one.
   */
  public ActivityAssert withAttempts(java.util.List<?> attemptRecords) {
    this.attempts = dev.timewarp.assertions.internal.AttemptAdapter.read(attemptRecords);
    return myself;
  }

  private java.util.List<dev.timewarp.assertions.internal.AttemptAdapter.Attempt> attempts() {
    if (attempts == null) {
      throw new IllegalStateException("call withAttempts(server.activityRecords(workflowId)...attempts()) first");
    }
    return attempts;
  }

  /** How each attempt ended, in order, e.g. "FAILED", "FAILED", "COMPLETED". */
  public ActivityAssert hasAttemptOutcomes(String... expected) {
    java.util.List<String> outcomes = attempts().stream().map(a -> a.outcome()).toList();
    if (!outcomes.equals(java.util.List.of(expected))) {
      throwAssertionError(shouldHave(breadcrumb(), "the attempts' outcomes", java.util.List.of(expected).toString(), outcomes.toString()));
    }
    return myself;
  }

  /** The virtual time between each attempt's end and the next one's start being due: the backoffs. */
  public ActivityAssert wasRetriedAfter(Duration... expected) {
    java.util.List<String> gaps = new java.util.ArrayList<>();
    var list = attempts();
    for (int i = 1; i < list.size(); i++) {
      Instant ended = list.get(i - 1).closedTime().orElse(list.get(i).scheduledTime());
      gaps.add(Timeline.duration(Duration.between(ended, list.get(i).scheduledTime())));
    }
    java.util.List<String> wanted = java.util.Arrays.stream(expected).map(Timeline::duration).toList();
    if (!gaps.equals(wanted)) {
      throwAssertionError(shouldHave(breadcrumb(), "the backoffs between attempts", wanted.toString(), gaps.toString()));
    }
    return myself;
  }

  // ---- options it was scheduled with ------------------------------------------------------------

  public ActivityAssert hasTaskQueue(String expected) {
    return hasOption("the task queue", expected, actual.attributes().getTaskQueue().getName());
  }

  public ActivityAssert hasStartToCloseTimeout(Duration expected) {
    return hasOption("the start-to-close timeout", expected, duration(actual.attributes().getStartToCloseTimeout()));
  }

  public ActivityAssert hasScheduleToCloseTimeout(Duration expected) {
    return hasOption("the schedule-to-close timeout", expected, duration(actual.attributes().getScheduleToCloseTimeout()));
  }

  public ActivityAssert hasScheduleToStartTimeout(Duration expected) {
    return hasOption("the schedule-to-start timeout", expected, duration(actual.attributes().getScheduleToStartTimeout()));
  }

  public ActivityAssert hasHeartbeatTimeout(Duration expected) {
    return hasOption("the heartbeat timeout", expected, duration(actual.attributes().getHeartbeatTimeout()));
  }

  public ActivityAssert hasMaximumAttempts(int expected) {
    return hasOption("the maximum attempts", expected, actual.attributes().getRetryPolicy().getMaximumAttempts());
  }

  public ActivityAssert hasInitialRetryInterval(Duration expected) {
    return hasOption("the initial retry interval", expected, duration(actual.attributes().getRetryPolicy().getInitialInterval()));
  }

  private ActivityAssert hasOption(String what, Object expected, Object value) {
    isNotNull();
    if (!Objects.equals(expected, value)) {
      throwAssertionError(shouldHave(breadcrumb(), what, render(expected), render(value)));
    }
    return myself;
  }

  private static String render(Object value) {
    return value instanceof Duration d ? Timeline.duration(d) : String.valueOf(value);
  }

  private static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  private static String quote(String text) {
    return text.startsWith("(") ? text : "\"" + text + "\"";
  }

  private static String name(Enum<?> value) {
    String name = value.name();
    int cut = name.startsWith("TIMEOUT_TYPE_") ? "TIMEOUT_TYPE_".length() : name.startsWith("RETRY_STATE_") ? "RETRY_STATE_".length() : 0;
    return name.substring(cut).toLowerCase(Locale.ROOT);
  }
}
