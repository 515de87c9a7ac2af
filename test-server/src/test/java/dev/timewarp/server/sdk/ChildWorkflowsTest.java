package dev.timewarp.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.timewarp.server.Await;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Child workflows through the SDK: start, outcomes, id conflicts, parent close policies, cancellation. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChildWorkflowsTest {
  @WorkflowInterface
  public interface LineItem {
    @WorkflowMethod
    String ship(String sku);
  }

  /** Ships after a day; "broken" items fail, "forever" items never finish. */
  public static class LineItemImpl implements LineItem {
    @Override
    public String ship(String sku) {
      if (sku.equals("forever")) {
        Workflow.await(() -> false);
      }
      Workflow.sleep(Duration.ofDays(1));
      if (sku.startsWith("broken")) {
        throw ApplicationFailure.newNonRetryableFailure("cannot ship " + sku, "OutOfStock");
      }
      return sku + " shipped";
    }
  }

  @WorkflowInterface
  public interface Order {
    @WorkflowMethod
    List<String> fulfil(String orderId, List<String> skus, String policy);
  }

  /** One child per line item, all in parallel; failures are reported, not fatal. */
  public static class OrderImpl implements Order {
    @Override
    public List<String> fulfil(String orderId, List<String> skus, String policy) {
      List<Promise<String>> shipped = new ArrayList<>();
      List<LineItem> items = new ArrayList<>();
      for (String sku : skus) {
        LineItem item = Workflow.newChildWorkflowStub(LineItem.class, ChildWorkflowOptions.newBuilder()
            .setWorkflowId(orderId + "-" + sku)
            .setParentClosePolicy(ParentClosePolicy.valueOf("PARENT_CLOSE_POLICY_" + policy))
            .build());
        items.add(item);
        shipped.add(Async.function(item::ship, sku));
      }
      if (policy.equals("ABANDON") || policy.equals("TERMINATE") || policy.equals("REQUEST_CANCEL")) {
        if (skus.contains("forever")) {
          Workflow.getWorkflowExecution(items.get(0)).get(); // the child started; now leave it behind
          return List.of("left " + skus.get(0));
        }
      }
      List<String> results = new ArrayList<>();
      for (Promise<String> p : shipped) {
        try {
          results.add(p.get());
        } catch (ChildWorkflowFailure e) {
          results.add("failed: " + ((ApplicationFailure) e.getCause()).getOriginalMessage());
        }
      }
      return results;
    }
  }

  @WorkflowInterface
  public interface Impatient {
    @WorkflowMethod
    String waitBriefly(String childId);
  }

  /** Cancels its child after an hour. */
  public static class ImpatientImpl implements Impatient {
    @Override
    public String waitBriefly(String childId) {
      LineItem item = Workflow.newChildWorkflowStub(LineItem.class,
          ChildWorkflowOptions.newBuilder().setWorkflowId(childId).build());
      CancellationScope scope = Workflow.newCancellationScope(() -> Async.function(item::ship, "forever"));
      scope.run();
      Workflow.sleep(Duration.ofHours(1));
      scope.cancel();
      try {
        Workflow.getWorkflowExecution(item).get();
        Workflow.sleep(Duration.ofMinutes(1)); // let the cancellation reach the child
        return "cancelled the child";
      } catch (CanceledFailure e) {
        return "cancelled before start";
      }
    }
  }

  @WorkflowInterface
  public interface Watcher {
    @WorkflowMethod
    String watch(String childId, int runTimeoutHours);
  }

  /** Starts a never-ending child (optionally with a run timeout) and reports how it ended. */
  public static class WatcherImpl implements Watcher {
    @Override
    public String watch(String childId, int runTimeoutHours) {
      ChildWorkflowOptions.Builder options = ChildWorkflowOptions.newBuilder().setWorkflowId(childId);
      if (runTimeoutHours > 0) {
        options.setWorkflowRunTimeout(Duration.ofHours(runTimeoutHours));
      }
      LineItem item = Workflow.newChildWorkflowStub(LineItem.class, options.build());
      try {
        item.ship("forever");
        return "completed";
      } catch (ChildWorkflowFailure e) {
        return e.getCause().getClass().getSimpleName();
      }
    }
  }

  private final SdkHarness harness = new SdkHarness();

  @AfterEach
  void tearDown() {
    harness.close();
  }

  private void start() {
    harness.worker.registerWorkflowImplementationTypes(OrderImpl.class, LineItemImpl.class, ImpatientImpl.class, WatcherImpl.class);
    harness.start();
  }

  private static List<EventType> types(List<HistoryEvent> events) {
    return events.stream().map(HistoryEvent::getEventType).toList();
  }

  private WorkflowExecutionStatus status(String workflowId) {
    return harness.stubs.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace("default").setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build())
        .getWorkflowExecutionInfo().getStatus();
  }

  @Test
  void anOrderFulfilsEachLineItemInAChildWorkflow() {
    start();
    Instant before = harness.server.clock().now();
    Order order = harness.newStub(Order.class, "order-1");

    List<String> results = order.fulfil("order-1", List.of("book", "broken-lamp", "pen"), "TERMINATE");

    assertThat(results).containsExactly("book shipped", "failed: cannot ship broken-lamp", "pen shipped");
    assertThat(harness.server.clock().now()).isAfterOrEqualTo(before.plus(Duration.ofDays(1))); // skipped, in parallel
    assertThat(harness.server.clock().now()).isBefore(before.plus(Duration.ofDays(2)));
    List<HistoryEvent> events = harness.history("order-1");
    assertThat(types(events).stream().filter(t -> t == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)).hasSize(3);
    assertThat(types(events)).contains(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED,
        EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED);
    // every outcome names the events it belongs to
    for (HistoryEvent e : events) {
      if (e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED) {
        var done = e.getChildWorkflowExecutionCompletedEventAttributes();
        HistoryEvent initiated = events.get((int) done.getInitiatedEventId() - 1);
        HistoryEvent started = events.get((int) done.getStartedEventId() - 1);
        assertThat(initiated.getEventType()).isEqualTo(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
        assertThat(started.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution())
            .isEqualTo(done.getWorkflowExecution());
      }
    }
    // the child knows its parent
    var childStarted = harness.history("order-1-book").get(0).getWorkflowExecutionStartedEventAttributes();
    assertThat(childStarted.getParentWorkflowExecution().getWorkflowId()).isEqualTo("order-1");
    assertThat(childStarted.getRootWorkflowExecution().getWorkflowId()).isEqualTo("order-1");
    assertThat(childStarted.getParentInitiatedEventId()).isPositive();
  }

  @Test
  void aChildIdAlreadyRunningFailsTheStart() {
    start();
    WorkflowClient.start(harness.newStub(LineItem.class, "order-2-forever")::ship, "forever");

    Order order = harness.newStub(Order.class, "order-2");
    assertThatThrownBy(() -> order.fulfil("order-2", List.of("forever"), "ABANDON"))
        .isInstanceOf(WorkflowFailedException.class);
    assertThat(types(harness.history("order-2"))).contains(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED);
  }

  @Test
  void parentClosePoliciesTerminateCancelOrAbandonRunningChildren() {
    start();
    assertThat(harness.newStub(Order.class, "order-t").fulfil("order-t", List.of("forever"), "TERMINATE"))
        .containsExactly("left forever");
    assertThat(harness.newStub(Order.class, "order-c").fulfil("order-c", List.of("forever"), "REQUEST_CANCEL"))
        .containsExactly("left forever");
    assertThat(harness.newStub(Order.class, "order-a").fulfil("order-a", List.of("forever"), "ABANDON"))
        .containsExactly("left forever");

    Await.until(() -> status("order-t-forever") == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED, () -> "order-t-forever is " + status("order-t-forever"));
    Await.until(() -> status("order-c-forever") == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED, () -> "order-c-forever is " + status("order-c-forever"));
    assertThat(status("order-a-forever")).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    var terminated = harness.history("order-t-forever");
    assertThat(terminated.get(terminated.size() - 1).getWorkflowExecutionTerminatedEventAttributes().getReason())
        .isEqualTo("by parent close policy");
  }

  @Test
  void cancellingAChildFromItsParentCancelsIt() {
    start();
    assertThat(harness.newStub(Impatient.class, "impatient").waitBriefly("impatient-child")).isEqualTo("cancelled the child");
    Await.until(() -> status("impatient-child") == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED, () -> "impatient-child is " + status("impatient-child"));
    assertThat(types(harness.history("impatient"))).contains(
        EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
        EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    WorkflowStub child = harness.client.newUntypedWorkflowStub("impatient-child");
    assertThatThrownBy(() -> child.getResult(String.class)).isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
  }

  @Test
  void aChildThatTimesOutOrIsTerminatedIsReportedToItsParent() {
    start();
    assertThat(harness.newStub(Watcher.class, "watch-timeout").watch("watch-timeout-child", 5)).isEqualTo("TimeoutFailure");
    assertThat(types(harness.history("watch-timeout"))).contains(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT);

    Watcher watcher = harness.newStub(Watcher.class, "watch-terminate");
    WorkflowClient.start(watcher::watch, "watch-terminate-child", 0);
    Await.until(() -> types(harness.history("watch-terminate")).contains(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED),
        () -> "the child to start");
    harness.client.newUntypedWorkflowStub("watch-terminate-child").terminate("operator stop");
    assertThat(WorkflowStub.fromTyped(watcher).getResult(String.class)).isEqualTo("TerminatedFailure");
    var terminated = harness.history("watch-terminate").stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED).findFirst().orElseThrow()
        .getChildWorkflowExecutionTerminatedEventAttributes();
    assertThat(terminated.getWorkflowExecution().getWorkflowId()).isEqualTo("watch-terminate-child");
    assertThat(terminated.getStartedEventId()).isGreaterThan(terminated.getInitiatedEventId());
  }
}
