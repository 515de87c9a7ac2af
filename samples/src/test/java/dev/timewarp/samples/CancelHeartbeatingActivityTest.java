package dev.timewarp.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.junit.TimewarpExtension;
import dev.timewarp.junit.TimewarpRuntime;
import dev.timewarp.server.AttemptRecord;
import dev.timewarp.server.AttemptRecord.Outcome;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cancelling a long-running activity. A catalog import runs in a cancellation scope and heartbeats
 * per item; an "abort" signal cancels the scope. The activity learns of it from its next heartbeat
 * (an {@link ActivityCompletionException}), rolls back and reports the cancellation; with {@link
 * ActivityCancellationType#WAIT_CANCELLATION_COMPLETED} the workflow only goes on once that is done.
 *
 * <p>Cancellation reaches an activity through heartbeat responses, and the SDK sends heartbeats at
 * most every 0.8 x the heartbeat timeout (at most 60 s), so the heartbeat timeout here is 1 s.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CancelHeartbeatingActivityTest {
  static final int CATALOG_SIZE = 100_000;

  @ActivityInterface
  public interface CatalogImport {
    String importCatalog(String supplier);
  }

  static final class FakeCatalogImport implements CatalogImport {
    final CompletableFuture<Void> started = new CompletableFuture<>();
    final AtomicInteger imported = new AtomicInteger();
    volatile boolean rolledBack;

    @Override
    public String importCatalog(String supplier) {
      ActivityExecutionContext context = Activity.getExecutionContext();
      started.complete(null);
      for (int item = 1; item <= CATALOG_SIZE; item++) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // importing one item
        imported.set(item);
        try {
          context.heartbeat(item);
        } catch (ActivityCompletionException cancelled) {
          imported.set(0); // roll back the partial import
          rolledBack = true;
          throw cancelled; // reports the cancellation to the server
        }
      }
      return "imported " + CATALOG_SIZE + " items from " + supplier;
    }
  }

  @WorkflowInterface
  public interface CatalogWorkflow {
    @WorkflowMethod
    String refreshCatalog(String supplier);

    @SignalMethod
    void abort();
  }

  public static class CatalogWorkflowImpl implements CatalogWorkflow {
    private final CatalogImport imports =
        Workflow.newActivityStub(
            CatalogImport.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofHours(4))
                .setHeartbeatTimeout(Duration.ofSeconds(1))
                .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
                .build());
    private boolean abortRequested;

    @Override
    public String refreshCatalog(String supplier) {
      Promise<String>[] importing = new Promise[1];
      CancellationScope scope =
          Workflow.newCancellationScope(() -> importing[0] = Async.function(imports::importCatalog, supplier));
      scope.run();
      Workflow.await(() -> abortRequested || importing[0].isCompleted());
      if (abortRequested) {
        scope.cancel();
      }
      try {
        return importing[0].get(); // with WAIT_CANCELLATION_COMPLETED: after the activity rolled back
      } catch (ActivityFailure failure) {
        if (failure.getCause() instanceof CanceledFailure) {
          return "import from " + supplier + " aborted";
        }
        throw failure;
      }
    }

    @Override
    public void abort() {
      abortRequested = true;
    }
  }

  private final FakeCatalogImport catalogImport = new FakeCatalogImport();

  @RegisterExtension
  TimewarpExtension timewarp =
      TimewarpExtension.newBuilder()
          .registerWorkflowImplementationTypes(CatalogWorkflowImpl.class)
          .registerActivityImplementations(catalogImport)
          .build();

  @Test
  void abortingCancelsTheImportWhichRollsBackFirst(
      CatalogWorkflow catalog, WorkflowClient client, TimewarpRuntime runtime) throws Exception {
    WorkflowClient.start(catalog::refreshCatalog, "acme");
    catalogImport.started.get(10, TimeUnit.SECONDS);

    catalog.abort();

    assertThat(WorkflowStub.fromTyped(catalog).getResult(String.class)).isEqualTo("import from acme aborted");
    // the workflow finished only after the activity had rolled back
    assertThat(catalogImport.rolledBack).isTrue();
    assertThat(catalogImport.imported).hasValue(0);

    String workflowId = WorkflowStub.fromTyped(catalog).getExecution().getWorkflowId();
    List<EventType> events = client.fetchHistory(workflowId).getEvents().stream().map(HistoryEvent::getEventType).toList();
    assertThat(events).containsSubsequence(
        EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
        EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED,
        EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    AttemptRecord attempt = runtime.server().orElseThrow().activityRecords(workflowId).get(0).attempts().get(0);
    assertThat(attempt.outcome()).isEqualTo(Outcome.CANCELED);
    assertThat(attempt.heartbeatCount()).isPositive();
  }
}
