package dev.timewarp.assertions;

import static dev.timewarp.assertions.error.ShouldHaveActivity.shouldHaveActivity;
import static dev.timewarp.assertions.error.ShouldHaveEventTypes.shouldContainInOrder;
import static dev.timewarp.assertions.error.ShouldHaveEventTypes.shouldHaveExactly;
import static dev.timewarp.assertions.error.ShouldHaveTimerFiredAfter.shouldHaveTimerFiredAfter;
import static dev.timewarp.assertions.error.ShouldHaveWorkflowStatus.shouldHaveStatus;

import dev.timewarp.assertions.internal.Activities;
import dev.timewarp.assertions.internal.Breadcrumbs;
import dev.timewarp.assertions.internal.Events;
import dev.timewarp.assertions.internal.Nearest;
import dev.timewarp.assertions.internal.Timeline;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ObjectAssert;

/** Assertions on a workflow's history: how it ended, its result, its events, timers and activities. */
public class HistoryAssert extends AbstractAssert<HistoryAssert, WorkflowExecutionHistory> {
  private DataConverter dataConverter = DefaultDataConverter.STANDARD_INSTANCE;

  public HistoryAssert(WorkflowExecutionHistory actual) {
    super(actual, HistoryAssert.class);
  }

  /** Decode results and details with this converter instead of the SDK's default one. */
  public HistoryAssert usingDataConverter(DataConverter converter) {
    this.dataConverter = converter;
    return myself;
  }

  private List<HistoryEvent> events() {
    isNotNull();
    return actual.getEvents();
  }

  /** The execution, with the run id the history itself records (the SDK's may be a placeholder). */
  private io.temporal.api.common.v1.WorkflowExecution execution() {
    String runId = events().get(0).getWorkflowExecutionStartedEventAttributes().getOriginalExecutionRunId();
    return runId.isEmpty()
        ? actual.getWorkflowExecution()
        : actual.getWorkflowExecution().toBuilder().setRunId(runId).build();
  }

  private String breadcrumb() {
    String workflow = Breadcrumbs.workflow(execution());
    return "[" + Character.toUpperCase(workflow.charAt(0)) + workflow.substring(1) + "]";
  }

  private String timeline() {
    return Timeline.of(events());
  }

  // ---- how it ended -----------------------------------------------------------------------------

  public HistoryAssert isCompleted() {
    return hasClosed(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, "completed");
  }

  public HistoryAssert isFailed() {
    return hasClosed(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, "failed");
  }

  public HistoryAssert isCanceled() {
    return hasClosed(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, "been canceled");
  }

  public HistoryAssert isTerminated() {
    return hasClosed(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, "been terminated");
  }

  public HistoryAssert isTimedOut() {
    return hasClosed(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, "timed out");
  }

  public HistoryAssert isContinuedAsNew() {
    return hasClosed(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, "continued as new");
  }

  private HistoryAssert hasClosed(EventType expected, String description) {
    HistoryEvent last = events().get(events().size() - 1);
    if (last.getEventType() != expected) {
      throwAssertionError(shouldHaveStatus(breadcrumb(), description, howItEnded(last), timeline()));
    }
    return myself;
  }

  private static String howItEnded(HistoryEvent last) {
    return switch (last.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED -> "completed";
      case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED -> "failed: \"" + last.getWorkflowExecutionFailedEventAttributes().getFailure().getMessage() + "\"";
      case EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED -> "was canceled";
      case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED -> "was terminated: \"" + last.getWorkflowExecutionTerminatedEventAttributes().getReason() + "\"";
      case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT -> "timed out";
      case EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> "continued as new";
      default -> "is still running (last event: " + Events.describe(last) + ")";
    };
  }

  /** Checks the workflow completed and hands its result, decoded, to any AssertJ assertion. */
  public <T> ObjectAssert<T> result(Class<T> type) {
    isCompleted();
    HistoryEvent last = events().get(events().size() - 1);
    var result = last.getWorkflowExecutionCompletedEventAttributes();
    Optional<io.temporal.api.common.v1.Payloads> payloads = result.hasResult() ? Optional.of(result.getResult()) : Optional.empty();
    T value = dataConverter.fromPayloads(0, payloads, type, type);
    return Assertions.assertThat(value).as(breadcrumb() + " result");
  }

  // ---- events -----------------------------------------------------------------------------------

  /** The history has exactly these event types, in this order. */
  public HistoryAssert hasEventTypes(EventType... expected) {
    List<String> actualTypes = events().stream().map(e -> Events.name(e.getEventType())).toList();
    List<String> expectedTypes = List.of(expected).stream().map(Events::name).toList();
    if (!actualTypes.equals(expectedTypes)) {
      throwAssertionError(shouldHaveExactly(breadcrumb(), expectedTypes, actualTypes, timeline()));
    }
    return myself;
  }

  /** The history contains these event types in this order, with any others in between. */
  public HistoryAssert containsEventTypesInOrder(EventType... expected) {
    int matched = 0;
    for (HistoryEvent event : events()) {
      if (matched < expected.length && event.getEventType() == expected[matched]) {
        matched++;
      }
    }
    if (matched < expected.length) {
      throwAssertionError(shouldContainInOrder(breadcrumb(), List.of(expected).stream().map(Events::name).toList(),
          Events.name(expected[matched]), matched, timeline()));
    }
    return myself;
  }

  /** Some timer fired this long (virtual time, to the second) after it was started. */
  public HistoryAssert hasTimerFiredAfter(Duration expected) {
    Map<Long, HistoryEvent> started = new java.util.HashMap<>();
    List<String> fired = new ArrayList<>();
    for (HistoryEvent event : events()) {
      if (event.hasTimerStartedEventAttributes()) {
        started.put(event.getEventId(), event);
      } else if (event.hasTimerFiredEventAttributes()) {
        HistoryEvent start = started.get(event.getTimerFiredEventAttributes().getStartedEventId());
        Duration after = Duration.between(Timeline.time(start), Timeline.time(event));
        if (!after.minus(expected).isNegative() && after.minus(expected).compareTo(Duration.ofSeconds(1)) < 0) {
          return myself;
        }
        fired.add(Timeline.duration(after));
      }
    }
    throwAssertionError(shouldHaveTimerFiredAfter(breadcrumb(), Timeline.duration(expected), fired));
    return myself;
  }

  // ---- activities -------------------------------------------------------------------------------

  /** The first activity with this type or id; fails, naming the nearest ones, if there is none. */
  public ActivityAssert activity(String typeOrId) {
    List<ActivityView> activities = Activities.all(execution(), events());
    Optional<ActivityView> match = activities.stream()
        .filter(a -> a.activityType().equals(typeOrId) || a.activityId().equals(typeOrId))
        .findFirst();
    if (match.isEmpty()) {
      List<String> names = activities.stream()
          .map(a -> "'" + a.activityType() + "' id=" + a.activityId())
          .sorted(Nearest.byDistanceTo(typeOrId))
          .toList();
      throwAssertionError(shouldHaveActivity(breadcrumb(), typeOrId, names, timeline()));
    }
    return new ActivityAssert(match.get()).usingDataConverter(dataConverter);
  }

  /** Runs {@code requirements} on the activity; stays soft inside soft assertions. */
  public HistoryAssert hasActivity(String typeOrId, Consumer<ActivityAssert> requirements) {
    requirements.accept(activity(typeOrId));
    return myself;
  }
}
