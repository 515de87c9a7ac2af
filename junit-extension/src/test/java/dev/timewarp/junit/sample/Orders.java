package dev.timewarp.junit.sample;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A small order workflow used by the extension's tests. */
public final class Orders {
  private Orders() {}

  @ActivityInterface
  public interface Payments {
    String charge(String order);
  }

  /** Declines the first two attempts of each order. */
  public static class FlakyPayments implements Payments {
    private static final ConcurrentHashMap<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();

    @Override
    public String charge(String order) {
      int attempt = Activity.getExecutionContext().getInfo().getAttempt();
      ATTEMPTS.computeIfAbsent(order, o -> new AtomicInteger()).incrementAndGet();
      if (attempt < 3) {
        throw new IllegalStateException("card declined (attempt " + attempt + ")");
      }
      return "charged " + order + " on attempt " + attempt;
    }
  }

  @WorkflowInterface
  public interface OrderWorkflow {
    @WorkflowMethod
    String process(String order);

    @SignalMethod
    void approve();
  }

  public static class OrderWorkflowImpl implements OrderWorkflow {
    private boolean approved;

    @Override
    public String process(String order) {
      Workflow.await(Duration.ofDays(7), () -> approved);
      if (!approved) {
        return "expired " + order;
      }
      return Workflow.newActivityStub(Payments.class, ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(1))
              .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(10)).build())
              .build())
          .charge(order);
    }

    @Override
    public void approve() {
      approved = true;
    }
  }
}
