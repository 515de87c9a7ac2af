package dev.timewarp.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.server.ActivityRecord;
import dev.timewarp.server.AttemptRecord;
import dev.timewarp.server.Faults;
import dev.timewarp.server.ServerOptions;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Crashed workers, lost deliveries and worker outages. Each timeout here is minutes long in virtual
 * time; a server that waited in wall time would blow the 30 s test timeout.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FaultControlsTest {
  static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");
  static volatile CountDownLatch release = new CountDownLatch(1);

  @ActivityInterface
  public interface Transfer {
    String transfer(String file);
  }

  /** Attempt 1 heartbeats once, then hangs (the "crash"); later attempts resume from the details. */
  public static class TransferImpl implements Transfer {
    @Override
    public String transfer(String file) {
      var context = Activity.getExecutionContext();
      if (context.getInfo().getAttempt() == 1) {
        context.heartbeat(40);
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return "never seen";
      }
      int resumedFrom = context.getHeartbeatDetails(Integer.class).orElse(0);
      return file + " resumed at " + resumedFrom + "% on attempt " + context.getInfo().getAttempt();
    }
  }

  @WorkflowInterface
  public interface TransferWorkflow {
    @WorkflowMethod
    String run(String file);
  }

  public static class HeartbeatingTransfer implements TransferWorkflow {
    @Override
    public String run(String file) {
      return Workflow.newActivityStub(
              Transfer.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofHours(1))
                  .setHeartbeatTimeout(Duration.ofMinutes(10))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
                  .build())
          .transfer(file);
    }
  }

  @ActivityInterface
  public interface Charge {
    String charge(String order);
  }

  public static class ChargeImpl implements Charge {
    @Override
    public String charge(String order) {
      return "charged " + order;
    }
  }

  @WorkflowInterface
  public interface Checkout {
    @WorkflowMethod
    String run(String order);
  }

  public static class CheckoutImpl implements Checkout {
    @Override
    public String run(String order) {
      return Workflow.newActivityStub(
              Charge.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(5))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
                  .build())
          .charge(order);
    }
  }

  public static class RemoteCheckout implements Checkout {
    @Override
    public String run(String order) {
      Charge charge =
          Workflow.newActivityStub(
              Charge.class,
              ActivityOptions.newBuilder()
                  .setTaskQueue("payments")
                  .setScheduleToStartTimeout(Duration.ofMinutes(30))
                  .setStartToCloseTimeout(Duration.ofMinutes(1))
                  .build());
      try {
        return charge.charge(order);
      } catch (ActivityFailure failure) {
        return "gave up: " + ((TimeoutFailure) failure.getCause()).getTimeoutType();
      }
    }
  }

  private SdkHarness harness;

  @org.junit.jupiter.api.BeforeEach
  void freshLatch() {
    release = new CountDownLatch(1);
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    if (harness != null) {
      harness.close();
    }
  }

  private SdkHarness harness() {
    harness = new SdkHarness(ServerOptions.builder().initialTime(EPOCH).build());
    return harness;
  }

  private void awaitAttemptRunning(String workflowId, int attempt) {
    dev.timewarp.server.Await.until(() -> {
      List<ActivityRecord> records = harness.server.activityRecords(workflowId);
      return !records.isEmpty()
          && records.get(0).attempts().size() >= attempt
          && records.get(0).attempts().get(attempt - 1).heartbeatCount() > 0;
    }, () -> "attempt " + attempt + " heartbeating; busy: " + harness.server.clock().busyReasons());
  }

  @Test
  void crashedWorkerHeartbeatTimeoutArrivesBySkipping() {
    harness().worker.registerWorkflowImplementationTypes(HeartbeatingTransfer.class);
    harness.worker.registerActivitiesImplementations(new TransferImpl());
    harness.start();
    TransferWorkflow workflow = harness.newStub(TransferWorkflow.class, "transfer");
    WorkflowClient.start(workflow::run, "video.mp4");
    awaitAttemptRunning("transfer", 1);

    harness.server.faults().declareWorkerGone(harness.client.getOptions().getIdentity());

    String result = WorkflowStub.fromTyped(workflow).getResult(String.class);
    assertThat(result).isEqualTo("video.mp4 resumed at 40% on attempt 2");
    List<AttemptRecord> attempts = harness.server.activityRecords("transfer").get(0).attempts();
    assertThat(attempts).extracting(AttemptRecord::outcome)
        .containsExactly(AttemptRecord.Outcome.TIMED_OUT, AttemptRecord.Outcome.COMPLETED);
    AttemptRecord first = attempts.get(0);
    assertThat(first.failure().orElseThrow().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    // ten virtual minutes of heartbeat timeout passed, then the default 1 s backoff
    assertThat(Duration.between(first.startedTime().orElseThrow(), first.closedTime().orElseThrow()))
        .isGreaterThanOrEqualTo(Duration.ofMinutes(10));
    assertThat(Duration.between(first.closedTime().orElseThrow(), attempts.get(1).scheduledTime()))
        .isEqualTo(Duration.ofSeconds(1));
    List<HistoryEvent> events = harness.history("transfer");
    var started = events.stream().filter(e -> e.hasActivityTaskStartedEventAttributes()).findFirst().orElseThrow()
        .getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(2);
    assertThat(started.getLastFailure().getTimeoutFailureInfo().getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
  }

  @Test
  void lostDeliveryIsRetriedAfterStartToCloseBySkipping() {
    harness().worker.registerWorkflowImplementationTypes(CheckoutImpl.class);
    harness.worker.registerActivitiesImplementations(new ChargeImpl());
    harness.server.faults().dropNextActivityDelivery("Charge");
    harness.start();

    assertThat(harness.newStub(Checkout.class, "checkout").run("o-1")).isEqualTo("charged o-1");

    List<AttemptRecord> attempts = harness.server.activityRecords("checkout").get(0).attempts();
    assertThat(attempts).extracting(AttemptRecord::outcome)
        .containsExactly(AttemptRecord.Outcome.TIMED_OUT, AttemptRecord.Outcome.COMPLETED);
    assertThat(Duration.between(attempts.get(0).startedTime().orElseThrow(), attempts.get(0).closedTime().orElseThrow()))
        .isGreaterThanOrEqualTo(Duration.ofMinutes(5));
    assertThat(attempts.get(0).heartbeatCount()).isZero();
  }

  @Test
  void workerOutageLetsScheduleToStartFireBySkipping() {
    harness().worker.registerWorkflowImplementationTypes(RemoteCheckout.class);
    harness.factory.newWorker("payments").registerActivitiesImplementations(new ChargeImpl());
    harness.start();

    String result;
    try (Faults.Outage outage = harness.server.faults().stopPollers("payments")) {
      result = harness.newStub(Checkout.class, "outage").run("o-2");
    }

    assertThat(result).isEqualTo("gave up: TIMEOUT_TYPE_SCHEDULE_TO_START");
    assertThat(harness.server.clock().now()).isAfterOrEqualTo(EPOCH.plus(Duration.ofMinutes(30)));
    assertThat(SdkHarness.types(harness.history("outage"))).doesNotContain("ACTIVITY_TASK_STARTED");
    // after the outage the queue serves again
    assertThat(harness.newStub(Checkout.class, "after-outage").run("o-3")).isEqualTo("charged o-3");
  }

  @ActivityInterface
  public interface Flaky {
    String call();
  }

  public static class FailsFourTimes implements Flaky {
    @Override
    public String call() {
      int attempt = Activity.getExecutionContext().getInfo().getAttempt();
      if (attempt <= 4) {
        throw new IllegalStateException("attempt " + attempt + " failed");
      }
      return "ok on attempt " + attempt;
    }
  }

  @WorkflowInterface
  public interface Caller {
    @WorkflowMethod
    String run();
  }

  public static class CappedBackoff implements Caller {
    @Override
    public String run() {
      return Workflow.newActivityStub(Flaky.class, ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(1))
              .setRetryOptions(RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2)
                  .setMaximumInterval(Duration.ofSeconds(3))
                  .build())
              .build())
          .call();
    }
  }

  @Test
  void attemptRecordsShowBackoffGrowingThenCappedInVirtualTime() {
    harness().worker.registerWorkflowImplementationTypes(CappedBackoff.class);
    harness.worker.registerActivitiesImplementations(new FailsFourTimes());
    harness.start();

    assertThat(harness.newStub(Caller.class, "capped").run()).isEqualTo("ok on attempt 5");

    List<AttemptRecord> attempts = harness.server.activityRecords("capped").get(0).attempts();
    assertThat(attempts).hasSize(5);
    List<Duration> gaps = new java.util.ArrayList<>();
    for (int i = 1; i < attempts.size(); i++) {
      gaps.add(Duration.between(attempts.get(i - 1).closedTime().orElseThrow(), attempts.get(i).scheduledTime()));
    }
    assertThat(gaps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(3));
    assertThat(attempts.subList(0, 4)).allSatisfy(a -> {
      assertThat(a.outcome()).isEqualTo(AttemptRecord.Outcome.FAILED);
      assertThat(a.failure().orElseThrow().getMessage()).isEqualTo("attempt " + a.number() + " failed");
    });
    assertThat(attempts.get(4).outcome()).isEqualTo(AttemptRecord.Outcome.COMPLETED);
  }
}
