package dev.timewarp.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.junit.TimewarpExtension;
import dev.timewarp.junit.TimewarpRuntime;
import dev.timewarp.server.AttemptRecord;
import dev.timewarp.server.AttemptRecord.Outcome;
import dev.timewarp.server.Faults;
import dev.timewarp.server.TestClock;
import dev.timewarp.server.TimewarpServer;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resuming after a worker crash. A long file transfer heartbeats how many chunks it has copied; its
 * worker "crashes" after 4 of 10 chunks. The server only learns about it when the heartbeat timeout
 * (5 virtual minutes) fires, which Timewarp reaches by skipping once the worker is declared gone; the
 * retry reads the last heartbeat details and copies only the remaining chunks.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FileTransferResumeTest {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  static final int CHUNKS = 10;

  @ActivityInterface
  public interface FileTransfer {
    String transfer(String file);
  }

  /** Copies chunk by chunk; on its first attempt it hangs for good after chunk 4. */
  static final class CrashingFileTransfer implements FileTransfer {
    final List<Integer> copiedChunks = new CopyOnWriteArrayList<>();
    final CountDownLatch crashed = new CountDownLatch(1);

    @Override
    public String transfer(String file) {
      ActivityExecutionContext context = Activity.getExecutionContext();
      int done = context.getHeartbeatDetails(Integer.class).orElse(0);
      int resumedAt = done + 1;
      while (done < CHUNKS) {
        copiedChunks.add(++done);
        if (context.getInfo().getAttempt() == 1 && done == 4) {
          // the SDK sends the first heartbeat at once and throttles later ones (0.8 x the heartbeat
          // timeout), so this single checkpoint is what the server gets before the "crash"
          context.heartbeat(done);
          awaitQuietly(crashed); // the worker is gone: this attempt hangs until the test ends
          return "never seen"; // a late answer from a gone worker is refused (NOT_FOUND, logged by the SDK)
        }
      }
      return file + ": " + CHUNKS + " chunks, resumed at chunk " + resumedAt;
    }
  }

  @WorkflowInterface
  public interface TransferWorkflow {
    @WorkflowMethod
    String upload(String file);
  }

  public static class TransferWorkflowImpl implements TransferWorkflow {
    private final FileTransfer transfers =
        Workflow.newActivityStub(
            FileTransfer.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofHours(2))
                .setHeartbeatTimeout(Duration.ofMinutes(5))
                .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(10)).build())
                .build());

    @Override
    public String upload(String file) {
      return transfers.transfer(file);
    }
  }

  private final CrashingFileTransfer transfer = new CrashingFileTransfer();

  @RegisterExtension
  TimewarpExtension timewarp = // an instance field: a fresh server (and fake) per test
      TimewarpExtension.newBuilder()
          .registerWorkflowImplementationTypes(TransferWorkflowImpl.class)
          .registerActivityImplementations(transfer)
          .setInitialTime(START)
          .build();

  @AfterEach
  void releaseTheCrashedAttempt() {
    transfer.crashed.countDown();
  }

  @Test
  void theRetryResumesFromTheLastHeartbeat(
      TransferWorkflow upload, Faults faults, TimewarpRuntime runtime, TestClock clock) {
    WorkflowClient.start(upload::upload, "backup.tar");
    String workflowId = WorkflowStub.fromTyped(upload).getExecution().getWorkflowId();
    TimewarpServer server = runtime.server().orElseThrow();
    awaitFirstHeartbeat(server, workflowId);

    faults.declareWorkerGone(runtime.workerIdentity()); // what the server would see if the process died

    assertThat(WorkflowStub.fromTyped(upload).getResult(String.class))
        .isEqualTo("backup.tar: 10 chunks, resumed at chunk 5");
    assertThat(transfer.copiedChunks).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10); // none twice

    List<AttemptRecord> attempts = server.activityRecords(workflowId).get(0).attempts();
    assertThat(attempts).extracting(AttemptRecord::outcome).containsExactly(Outcome.TIMED_OUT, Outcome.COMPLETED);
    AttemptRecord crashed = attempts.get(0);
    assertThat(crashed.heartbeatCount()).isEqualTo(1);
    assertThat(crashed.failure()).hasValueSatisfying(failure -> assertThat(failure.getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT));
    // detected 5 virtual minutes after the last heartbeat, retried 10 s later
    assertThat(Duration.between(crashed.startedTime().orElseThrow(), crashed.closedTime().orElseThrow()))
        .isBetween(Duration.ofMinutes(5), Duration.ofMinutes(5).plusSeconds(30));
    assertThat(Duration.between(crashed.closedTime().orElseThrow(), attempts.get(1).scheduledTime()))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(clock.now()).isAfterOrEqualTo(START.plus(Duration.ofMinutes(5)).plusSeconds(10));
  }

  /** Polls the server's attempt records (state, not time) until the first heartbeat has arrived. */
  private static void awaitFirstHeartbeat(TimewarpServer server, String workflowId) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.activityRecords(workflowId).stream()
        .flatMap(activity -> activity.attempts().stream())
        .noneMatch(attempt -> attempt.heartbeatCount() > 0)) {
      assertThat(System.nanoTime()).as("first heartbeat of " + workflowId + " within 10 s").isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
