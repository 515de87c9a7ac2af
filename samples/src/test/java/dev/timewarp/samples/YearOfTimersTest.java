package dev.timewarp.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.junit.InitialTime;
import dev.timewarp.junit.TimewarpRuntime;
import dev.timewarp.junit.TimewarpTest;
import dev.timewarp.server.ActivityRecord;
import dev.timewarp.server.TestClock;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A year of timers in milliseconds. A subscription sends a renewal reminder every 30 days, twelve
 * times, sleeping in between; whenever the workflow only waits for a timer, the server jumps to it.
 * The clock starts at a fixed instant, so dates in results and histories are reproducible.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TimewarpTest(
    workflows = YearOfTimersTest.SubscriptionWorkflowImpl.class,
    activities = YearOfTimersTest.LoggingMailer.class,
    initialTime = "2030-01-01T00:00:00Z")
class YearOfTimersTest {
  static final Instant NEW_YEAR = Instant.parse("2030-01-01T00:00:00Z");
  static final Duration MONTH = Duration.ofDays(30);

  @ActivityInterface
  public interface Mailer {
    void sendReminder(String customer, int month);
  }

  public static class LoggingMailer implements Mailer {
    @Override
    public void sendReminder(String customer, int month) {
      // a real mailer would send an e-mail here
    }
  }

  @WorkflowInterface
  public interface SubscriptionWorkflow {
    /** Returns the dates (UTC) on which reminders went out. */
    @WorkflowMethod
    List<String> remindMonthly(String customer);

    @QueryMethod
    int remindersSent();
  }

  public static class SubscriptionWorkflowImpl implements SubscriptionWorkflow {
    private final Mailer mailer =
        Workflow.newActivityStub(Mailer.class, ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());
    private final List<String> sentOn = new ArrayList<>();

    @Override
    public List<String> remindMonthly(String customer) {
      for (int month = 1; month <= 12; month++) {
        mailer.sendReminder(customer, month);
        sentOn.add(Instant.ofEpochMilli(Workflow.currentTimeMillis()).atZone(ZoneOffset.UTC).toLocalDate().toString());
        Workflow.sleep(MONTH);
      }
      return sentOn;
    }

    @Override
    public int remindersSent() {
      return sentOn.size();
    }
  }

  @Test
  @InitialTime("2030-01-01T00:00:00Z") // a fresh server, so this test's year starts on 1 January whatever ran before
  void twelveRemindersThirtyDaysApartInAVirtualYear(
      SubscriptionWorkflow subscription, TestClock clock, TimewarpRuntime runtime) {
    List<String> sentOn = subscription.remindMonthly("ada");

    List<String> expected = new ArrayList<>();
    for (int month = 0; month < 12; month++) {
      expected.add(LocalDate.of(2030, 1, 1).plusDays(30L * month).toString());
    }
    assertThat(sentOn).containsExactlyElementsOf(expected); // 2030-01-01, 2030-01-31, ..., 2030-11-27
    // twelve sleeps of 30 days: 360 days, plus the milliseconds the worker took
    assertThat(clock.now()).isBetween(NEW_YEAR.plus(MONTH.multipliedBy(12)), NEW_YEAR.plus(MONTH.multipliedBy(12)).plusSeconds(60));
    String workflowId = WorkflowStub.fromTyped(subscription).getExecution().getWorkflowId();
    assertThat(runtime.server().orElseThrow().activityRecords(workflowId))
        .hasSize(12)
        .allSatisfy(reminder -> assertThat(reminder.closed()).isTrue())
        .extracting(ActivityRecord::activityType)
        .containsOnly("SendReminder");
  }

  @Test
  void theClockCanBeMovedStepByStepToLookAtTheWorkflowMidYear(SubscriptionWorkflow subscription, TestClock clock) {
    Instant start = clock.now();
    WorkflowClient.start(subscription::remindMonthly, "grace");

    clock.advance(Duration.ofDays(95)); // reminders on days 0, 30, 60 and 90

    assertThat(subscription.remindersSent()).isEqualTo(4);
    assertThat(clock.now()).isBetween(start.plus(Duration.ofDays(95)), start.plus(Duration.ofDays(95)).plusSeconds(60));

    clock.advance(Duration.ofDays(300)); // the rest of the year
    assertThat(subscription.remindersSent()).isEqualTo(12);
    assertThat(WorkflowStub.fromTyped(subscription).getResult(List.class)).hasSize(12);
  }
}
