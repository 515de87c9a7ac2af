package dev.timewarp.benchmarks;

import dev.timewarp.junit.TimewarpExtension;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same test class written for each extension; run through EngineTestKit by the benchmark. */
public final class ExtensionFixtures {
  static final int REPETITIONS = 20;

  private ExtensionFixtures() {}

  /** Timewarp: one server per class, a fresh task queue and worker per test. */
  public static class TimewarpEmpty {
    @RegisterExtension
    static TimewarpExtension timewarp =
        TimewarpExtension.newBuilder().registerWorkflowImplementationTypes(Scenarios.SleeperImpl.class).build();

    @RepeatedTest(REPETITIONS)
    void injected(WorkflowClient client) {}
  }

  public static class TimewarpSleep {
    @RegisterExtension
    static TimewarpExtension timewarp =
        TimewarpExtension.newBuilder().registerWorkflowImplementationTypes(Scenarios.SleeperImpl.class).build();

    @RepeatedTest(REPETITIONS)
    void sleeps(Scenarios.Sleeper sleeper) {
      sleeper.sleep(Duration.ofDays(30));
    }
  }

  /** Temporal's own extension: a new test environment per test. */
  public static class IncumbentEmpty {
    @RegisterExtension
    static TestWorkflowExtension temporal =
        TestWorkflowExtension.newBuilder().registerWorkflowImplementationTypes(Scenarios.SleeperImpl.class).build();

    @RepeatedTest(REPETITIONS)
    void injected(WorkflowClient client) {}
  }

  public static class IncumbentSleep {
    @RegisterExtension
    static TestWorkflowExtension temporal =
        TestWorkflowExtension.newBuilder().registerWorkflowImplementationTypes(Scenarios.SleeperImpl.class).build();

    @RepeatedTest(REPETITIONS)
    void sleeps(Scenarios.Sleeper sleeper) {
      sleeper.sleep(Duration.ofDays(30));
    }
  }
}
