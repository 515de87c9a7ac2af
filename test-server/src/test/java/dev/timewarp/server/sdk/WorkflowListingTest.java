package dev.timewarp.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** ListWorkflowExecutions / CountWorkflowExecutions over 500 workflows through the SDK's client. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkflowListingTest {
  static final SearchAttributeKey<String> CUSTOMER = SearchAttributeKey.forKeyword("CustomKeywordField");
  static final SearchAttributeKey<Long> AMOUNT = SearchAttributeKey.forLong("CustomIntField");

  @WorkflowInterface
  public interface Order {
    @WorkflowMethod
    String process(boolean waitForApproval);

    @SignalMethod
    void approve();
  }

  public static class OrderImpl implements Order {
    private boolean approved;

    @Override
    public String process(boolean waitForApproval) {
      if (waitForApproval) {
        Workflow.await(() -> approved);
      }
      return "done";
    }

    @Override
    public void approve() {
      approved = true;
    }
  }

  private final SdkHarness harness = new SdkHarness();
  private Instant beforeAll;

  @BeforeAll
  void startFiveHundredOrders() {
    harness.worker.registerWorkflowImplementationTypes(OrderImpl.class);
    harness.start();
    beforeAll = harness.server.clock().now();
    for (int i = 0; i < 500; i++) {
      Order order = harness.client.newWorkflowStub(Order.class, WorkflowOptions.newBuilder()
          .setTaskQueue(harness.taskQueue)
          .setWorkflowId(String.format("order-%03d", i))
          .setTypedSearchAttributes(SearchAttributes.newBuilder()
              .set(CUSTOMER, i % 5 == 0 ? "acme" : "globex")
              .set(AMOUNT, (long) i)
              .build())
          .build());
      WorkflowClient.start(order::process, i % 10 == 0); // every tenth waits for approval
    }
    // nine in ten complete at once; one of the waiting ones is approved
    harness.client.newWorkflowStub(Order.class, "order-000").approve();
    for (int i = 0; i < 500; i++) {
      if (i % 10 != 0 || i == 0) {
        WorkflowStub.fromTyped(harness.client.newWorkflowStub(Order.class, String.format("order-%03d", i))).getResult(String.class);
      }
    }
  }

  @AfterAll
  void tearDown() {
    harness.close();
  }

  private long count(String query) {
    return harness.client.countWorkflows(query).getCount();
  }

  @Test
  void filtersByStatusTypeIdAndCustomSearchAttributes() {
    assertThat(count("")).isEqualTo(500);
    assertThat(count("ExecutionStatus = 'Running'")).isEqualTo(49);
    assertThat(count("ExecutionStatus = 'Completed'")).isEqualTo(451);
    assertThat(count("WorkflowType = 'Order' AND CustomKeywordField = 'acme'")).isEqualTo(100);
    assertThat(count("CustomIntField BETWEEN 100 AND 199 AND ExecutionStatus != 'Running'")).isEqualTo(90);
    assertThat(count("WorkflowId IN ('order-001', 'order-002', 'missing')")).isEqualTo(2);
    assertThat(count("WorkflowId STARTS_WITH 'order-1' AND (CustomIntField < 105 OR CustomIntField >= 198)")).isEqualTo(7);
    assertThat(count("TaskQueue = '" + harness.taskQueue + "' AND StartTime >= '" + beforeAll + "'")).isEqualTo(500);
    assertThat(count("CloseTime IS NULL")).isEqualTo(49);
  }

  @Test
  void ordersAndPagesThroughTheSdkIterator() {
    var ids = harness.client.listExecutions("CustomKeywordField = 'acme' ORDER BY CustomIntField DESC")
        .map(WorkflowExecutionMetadata::getExecution).map(e -> e.getWorkflowId()).toList();
    assertThat(ids).hasSize(100).startsWith("order-495", "order-490").endsWith("order-005", "order-000");

    var firstPage = harness.stubs.blockingStub().listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
        .setNamespace("default").setPageSize(200).setQuery("ORDER BY WorkflowId").build());
    assertThat(firstPage.getExecutionsCount()).isEqualTo(200);
    assertThat(firstPage.getExecutions(0).getExecution().getWorkflowId()).isEqualTo("order-000");
    assertThat(firstPage.getNextPageToken().isEmpty()).isFalse();
    var running = harness.client.listExecutions("ExecutionStatus = 'Running'").findFirst().orElseThrow();
    assertThat(running.getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(running.getWorkflowType()).isEqualTo("Order");
  }

  @Test
  void countsGroupByExecutionStatus() {
    var groups = harness.stubs.blockingStub().countWorkflowExecutions(CountWorkflowExecutionsRequest.newBuilder()
        .setNamespace("default").setQuery("GROUP BY ExecutionStatus").build());
    assertThat(groups.getCount()).isEqualTo(500);
    assertThat(harness.client.countWorkflows("GROUP BY ExecutionStatus").getGroups())
        .extracting(g -> g.getGroupValues().get(0).get(0) + "=" + g.getCount())
        .containsExactlyInAnyOrder("Running=49", "Completed=451");
  }

  @Test
  void unsupportedQueriesNameTheirUnsupportedPart() {
    assertThatThrownBy(() -> count("WorkflowId LIKE 'order%'"))
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("unsupported operator 'LIKE' at position 12");
    assertThatThrownBy(() -> count("NoSuchAttribute = 1"))
        .hasMessageContaining("unknown search attribute 'NoSuchAttribute'");
    assertThatThrownBy(() -> harness.client.listExecutions("GROUP BY ExecutionStatus").toList())
        .hasMessageContaining("'GROUP BY' clause is only supported in CountWorkflowExecutions");
  }
}
