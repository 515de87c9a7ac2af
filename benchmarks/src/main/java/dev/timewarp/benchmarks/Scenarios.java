package dev.timewarp.benchmarks;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Workloads that both servers run the same way through the official SDK. */
final class Scenarios {
  static final String TASK_QUEUE = "bench";

  private Scenarios() {}

  @WorkflowInterface
  public interface Sleeper {
    @WorkflowMethod
    void sleep(Duration duration);
  }

  public static class SleeperImpl implements Sleeper {
    @Override
    public void sleep(Duration duration) {
      Workflow.sleep(duration);
    }
  }

  @ActivityInterface
  public interface Charge {
    String charge(String order);
  }

  /** Fails the first two attempts of each order, then succeeds. */
  public static class FlakyCharge implements Charge {
    private final java.util.Map<String, AtomicInteger> attempts = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public String charge(String order) {
      if (attempts.computeIfAbsent(order, o -> new AtomicInteger()).incrementAndGet() < 3) {
        throw new IllegalStateException("card declined, try again");
      }
      return "charged " + order;
    }
  }

  @WorkflowInterface
  public interface Order {
    @WorkflowMethod
    String process(String order);
  }

  public static class OrderImpl implements Order {
    private final Charge charge =
        Workflow.newActivityStub(
            Charge.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1)).build())
                .build());

    @Override
    public String process(String order) {
      String result = charge.charge(order);
      Workflow.sleep(Duration.ofHours(1));
      return result;
    }
  }

  /** Start, register, tear down: what a fresh server per test costs. */
  static void lifecycle(Environment env) {
    env.worker().registerWorkflowImplementationTypes(SleeperImpl.class);
    env.start();
  }

  /** One workflow sleeping 30 days. */
  static void longSleep(Environment env) {
    env.worker().registerWorkflowImplementationTypes(SleeperImpl.class);
    env.start();
    env.client()
        .newWorkflowStub(Sleeper.class, WorkflowOptions.newBuilder().setTaskQueue(TASK_QUEUE).setWorkflowId("sleep").build())
        .sleep(Duration.ofDays(30));
  }

  /** Twenty orders, each an activity that fails twice with backoff, then an hour's timer. */
  static void retryingOrders(Environment env) {
    env.worker().registerWorkflowImplementationTypes(OrderImpl.class);
    env.worker().registerActivitiesImplementations(new FlakyCharge());
    env.start();
    WorkflowClient client = env.client();
    List<WorkflowStub> stubs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Order order =
          client.newWorkflowStub(Order.class, WorkflowOptions.newBuilder().setTaskQueue(TASK_QUEUE).setWorkflowId("order-" + i).build());
      WorkflowClient.start(order::process, "o" + i);
      stubs.add(WorkflowStub.fromTyped(order));
    }
    for (WorkflowStub stub : stubs) {
      String result = stub.getResult(String.class);
      if (!result.startsWith("charged")) {
        throw new IllegalStateException("unexpected result " + result);
      }
    }
  }
}
