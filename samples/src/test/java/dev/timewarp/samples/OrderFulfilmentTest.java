package dev.timewarp.samples;

import static dev.timewarp.assertions.TimewarpAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.junit.TimewarpTest;
import dev.timewarp.server.TestClock;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An order fans out to one child workflow per line item; each item waits two days for the
 * warehouse, and an out-of-stock item fails on its own without failing the order. The parent's
 * history shows each child's start and outcome; the whole order takes two virtual days and a few
 * milliseconds of wall time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TimewarpTest(
    workflows = {OrderFulfilmentTest.OrderWorkflowImpl.class, OrderFulfilmentTest.LineItemWorkflowImpl.class},
    activities = OrderFulfilmentTest.InventoryImpl.class)
class OrderFulfilmentTest {
  @ActivityInterface
  public interface Inventory {
    void reserve(String sku);
  }

  public static class InventoryImpl implements Inventory {
    @Override
    public void reserve(String sku) {
      if (sku.startsWith("discontinued")) {
        throw ApplicationFailure.newNonRetryableFailure(sku + " is out of stock", "OutOfStock");
      }
    }
  }

  @WorkflowInterface
  public interface LineItemWorkflow {
    @WorkflowMethod
    String ship(String sku);
  }

  public static class LineItemWorkflowImpl implements LineItemWorkflow {
    private final Inventory inventory = Workflow.newActivityStub(Inventory.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
        .build());

    @Override
    public String ship(String sku) {
      inventory.reserve(sku);
      Workflow.sleep(Duration.ofDays(2)); // the warehouse picks and packs
      return sku + ": shipped";
    }
  }

  @WorkflowInterface
  public interface OrderWorkflow {
    @WorkflowMethod
    List<String> fulfil(String orderId, List<String> skus);
  }

  public static class OrderWorkflowImpl implements OrderWorkflow {
    @Override
    public List<String> fulfil(String orderId, List<String> skus) {
      List<Promise<String>> items = new ArrayList<>();
      for (String sku : skus) {
        LineItemWorkflow item = Workflow.newChildWorkflowStub(LineItemWorkflow.class,
            ChildWorkflowOptions.newBuilder().setWorkflowId(orderId + "/" + sku).build());
        items.add(Async.function(item::ship, sku));
      }
      List<String> outcome = new ArrayList<>();
      for (Promise<String> item : items) {
        try {
          outcome.add(item.get());
        } catch (ChildWorkflowFailure failed) {
          outcome.add("not shipped");
        }
      }
      return outcome;
    }
  }

  @Test
  void eachLineItemShipsInItsOwnChildWorkflow(WorkflowClient client, WorkflowOptions options, TestClock clock) {
    Instant start = clock.now();
    OrderWorkflow order = client.newWorkflowStub(OrderWorkflow.class, options);

    List<String> outcome = order.fulfil("order-7", List.of("kettle", "discontinued-lamp", "mug"));

    assertThat(outcome).containsExactly("kettle: shipped", "not shipped", "mug: shipped");
    // the children ran side by side: two virtual days in all, not six
    assertThat(clock.now()).isBetween(start.plus(Duration.ofDays(2)), start.plus(Duration.ofDays(3)));
    assertThat(client, io.temporal.client.WorkflowStub.fromTyped(order))
        .isCompleted()
        .containsEventTypesInOrder(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
            EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED,
            EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
            EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED);
  }
}
