package dev.timewarp.junit.internal;

import dev.timewarp.server.ActivityRecord;
import dev.timewarp.server.AttemptRecord;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The histories of a failed test's workflows, one line per event with its virtual-time offset from
 * the workflow's start, followed by every activity's attempts.
 */
public final class HistoryReport {
  private HistoryReport() {}

  public static String render(TestScope scope) {
    List<WorkflowExecution> executions = scope.started().executions();
    if (executions.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("Workflows started by this test (times are virtual, from each start):");
    for (WorkflowExecution execution : executions) {
      out.append("\n\n");
      try {
        List<HistoryEvent> events = scope.client().fetchHistory(execution.getWorkflowId(), execution.getRunId()).getEvents();
        renderWorkflow(out, execution, events);
        scope.server().server().ifPresent(server -> {
          Instant start = time(events.get(0));
          for (ActivityRecord activity : server.activityRecords(scope.namespace(), execution.getWorkflowId(), execution.getRunId())) {
            renderActivity(out, activity, start);
          }
        });
      } catch (RuntimeException e) {
        out.append("workflow ").append(execution.getWorkflowId()).append(": history unavailable (").append(e.getMessage()).append(')');
      }
    }
    return out.toString();
  }

  private static void renderWorkflow(StringBuilder out, WorkflowExecution execution, List<HistoryEvent> events) {
    HistoryEvent first = events.get(0);
    out.append("workflow ").append(execution.getWorkflowId())
        .append(" (run ").append(execution.getRunId(), 0, Math.min(8, execution.getRunId().length())).append("…) ")
        .append(first.getWorkflowExecutionStartedEventAttributes().getWorkflowType().getName());
    Instant start = time(first);
    for (HistoryEvent event : events) {
      out.append(String.format(Locale.ROOT, "%n  %18s %4d  %s", offset(start, time(event)), event.getEventId(), EventSummary.of(event)));
    }
  }

  private static void renderActivity(StringBuilder out, ActivityRecord activity, Instant start) {
    out.append(String.format(Locale.ROOT, "%n  activity %s (%s), scheduled at event %d:",
        activity.activityType(), activity.activityId(), activity.scheduledEventId()));
    for (AttemptRecord attempt : activity.attempts()) {
      out.append(String.format(Locale.ROOT, "%n    attempt %d: due %s", attempt.number(), offset(start, attempt.scheduledTime())));
      attempt.startedTime().ifPresent(t -> out.append(", started ").append(offset(start, t)).append(" on ").append(attempt.workerIdentity()));
      out.append(", ").append(attempt.outcome());
      attempt.closedTime().ifPresent(t -> out.append(' ').append(offset(start, t)));
      attempt.failure().ifPresent(f -> out.append(": ").append(f.getMessage()));
      if (attempt.heartbeatCount() > 0) {
        out.append(" (").append(attempt.heartbeatCount()).append(" heartbeats)");
      }
    }
  }

  static Instant time(HistoryEvent event) {
    return Instant.ofEpochSecond(event.getEventTime().getSeconds(), event.getEventTime().getNanos());
  }

  /** "+0.012s", "+1h02m03.004s", "+7d 00h00m01.000s". */
  static String offset(Instant start, Instant at) {
    Duration d = Duration.between(start, at);
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    long days = d.toDays();
    long hours = d.toHoursPart();
    long minutes = d.toMinutesPart();
    double seconds = d.toSecondsPart() + d.toMillisPart() / 1000.0;
    if (days > 0) {
      return String.format(Locale.ROOT, "+%dd %02dh%02dm%06.3fs", days, hours, minutes, seconds);
    }
    if (hours > 0) {
      return String.format(Locale.ROOT, "+%dh%02dm%06.3fs", hours, minutes, seconds);
    }
    if (minutes > 0) {
      return String.format(Locale.ROOT, "+%dm%06.3fs", minutes, seconds);
    }
    return String.format(Locale.ROOT, "+%.3fs", seconds);
  }
}
