package dev.timewarp.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.timewarp.junit.fixtures.Fixtures;
import dev.timewarp.junit.fixtures.Observations;
import dev.timewarp.junit.internal.WorkflowHistories;
import dev.timewarp.server.ServerOptions;
import dev.timewarp.server.TimewarpServer;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The extension itself, driven through JUnit's own engine. */
class ExtensionBehaviourTest {
  @BeforeEach
  void clear() {
    Observations.clear();
  }

  private static Events run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().testEvents();
  }

  @Test
  void staticFieldSharesOneServerAcrossTheClassButNotATaskQueue() {
    run(Fixtures.StaticField.class).assertStatistics(stats -> stats.succeeded(2).failed(0));
    assertThat(new HashSet<>(Observations.get("static.server"))).hasSize(1);
    assertThat(new HashSet<>(Observations.get("static.queue"))).hasSize(2);
  }

  @Test
  void instanceFieldGivesEachTestItsOwnServer() {
    run(Fixtures.InstanceField.class).assertStatistics(stats -> stats.succeeded(2).failed(0));
    assertThat(new HashSet<>(Observations.get("instance.server"))).hasSize(2);
  }

  @Test
  void constructorLifecycleMethodsAndTestsAreInjectedWithTheSameTestsObjects() {
    run(Fixtures.Injection.class).assertStatistics(stats -> stats.succeeded(1).failed(0));
    assertThat(Observations.get("injection.ok")).containsExactly(true);
    assertThat(Observations.get("injection.beforeAll")).hasSize(1);
  }

  @Test
  void nestedClassesRunOnTheEnclosingClassesServer() {
    run(Fixtures.Outer.class).assertStatistics(stats -> stats.succeeded(2).failed(0));
    assertThat(new HashSet<>(Observations.get("nested.server"))).hasSize(1);
    assertThat(new HashSet<>(Observations.get("nested.queue"))).hasSize(2);
  }

  @Test
  void aFailedTestCarriesTheHistoriesOfItsWorkflows() {
    Events events = run(Fixtures.Failing.class);
    events.assertStatistics(stats -> stats.failed(1));
    Throwable failure = events.failed().stream().findFirst().orElseThrow()
        .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertThat(failure).isInstanceOf(AssertionError.class);
    assertThat(failure.getSuppressed()).hasSize(1);
    assertThat(failure.getSuppressed()[0]).isInstanceOf(WorkflowHistories.class);
    String report = failure.getSuppressed()[0].getMessage();
    assertThat(report)
        .contains("workflow failsAfterAWorkflowRan-")
        .contains("SleepyWorkflow")
        .contains("TimerStarted  timer")
        .contains("+1d 00h00m")
        .contains("WorkflowExecutionCompleted");
  }

  private static Events runAll(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().allEvents();
  }

  @Test
  void configurationMistakesSayHowToFixThem() {
    runAll(Fixtures.BadActivity.class).assertThatEvents().haveExactly(1, event(finishedWithFailure(
        instanceOf(ExtensionConfigurationException.class),
        message(m -> m.contains("needs a public no-argument constructor") && m.contains("registerActivityImplementations")))));
    runAll(Fixtures.TwoExtensions.class).assertThatEvents().haveExactly(1, event(finishedWithFailure(
        instanceOf(ExtensionConfigurationException.class),
        message(m -> m.contains("use either @TimewarpTest or one @RegisterExtension")))));
  }

  @Test
  void perTestObjectsAreRefusedInClassLevelMethods() {
    runAll(Fixtures.PerTestInBeforeAll.class).assertThatEvents().haveExactly(1, event(finishedWithFailure(
        instanceOf(ParameterResolutionException.class),
        message(m -> m.contains("WorkflowClient belongs to a single test")))));
  }

  @Test
  void testsRunInParallelOnOneServerWithoutSeeingEachOther() {
    EngineTestKit.engine("junit-jupiter")
        .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
        .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
        .selectors(selectClass(Fixtures.Parallel.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.succeeded(6).failed(0));
    assertThat(new HashSet<>(Observations.get("parallel.queue"))).hasSize(6);
    assertThat(new HashSet<>(Observations.get("parallel.server"))).hasSize(1);
  }

  @Test
  void aRealClusterRunsTheSameTestsAndSkipsWhatNeedsTimeControl() {
    // a standalone Timewarp server on a port stands in for the real cluster
    try (TimewarpServer cluster = TimewarpServer.start(ServerOptions.builder().port(0).build())) {
      System.setProperty("timewarp.target", cluster.target());
      try {
        Events events = run(Fixtures.AgainstACluster.class);
        events.assertStatistics(stats -> stats.succeeded(1).skipped(0).aborted(1).failed(0));
        events.assertThatEvents().haveExactly(1, event(org.junit.platform.testkit.engine.EventConditions.abortedWithReason(
            message(m -> m.contains("real Temporal cluster") && m.contains("TestClock")))));
      } finally {
        System.clearProperty("timewarp.target");
      }
      assertThat(Observations.get("cluster.ran")).containsExactly(true);
      assertThat(Observations.get("cluster.target")).containsExactly(cluster.target());
    }
  }


  @Test
  void aSuiteServerIsSharedAcrossClasses() {
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(Fixtures.SuiteA.class), selectClass(Fixtures.SuiteB.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.succeeded(2).failed(0));
    assertThat(new HashSet<>(Observations.get("suite.server"))).hasSize(1);
    assertThat(new HashSet<>(Observations.get("suite.queue"))).hasSize(2);
  }

  @Test
  void workerFactoryAndActivityClientAreInjected() {
    run(Fixtures.WorkerInjection.class).assertStatistics(stats -> stats.succeeded(1).failed(0));
    assertThat(Observations.get("worker.ok")).containsExactly(true);
  }

  @Test
  void theFailureReportShowsEveryActivityAttempt() {
    Events events = run(Fixtures.FailingWithActivity.class);
    Throwable failure = events.failed().stream().findFirst().orElseThrow()
        .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    String report = failure.getSuppressed()[0].getMessage();
    assertThat(report)
        .contains("ActivityTaskFailed  \"card declined\" (maximum_attempts_reached)")
        .contains("activity Charge (")
        .contains("attempt 1: due +")
        .contains("attempt 2: due +")
        .contains("attempt 3: due +")
        .contains("FAILED")
        .contains(": card declined");
  }
}
