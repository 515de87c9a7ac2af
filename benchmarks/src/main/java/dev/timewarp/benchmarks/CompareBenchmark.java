package dev.timewarp.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Runs each scenario on Timewarp and on Temporal's own test server in one JVM, alternating, and
 * prints median wall times and the ratio. Each measurement includes bringing the server up and
 * tearing it down, as a test using a fresh server per test would.
 *
 * <p>Run: {@code mvn -B -q -DskipTests install && mvn -B -q -pl benchmarks exec:java}
 * (optionally {@code -Dexec.args="5 10"} for warm-up and measured iterations).
 */
public final class CompareBenchmark {
  private record Scenario(String name, Consumer<Environment> body) {}

  public static void main(String[] args) {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    List<Scenario> scenarios =
        List.of(
            new Scenario("server + worker up and down", Scenarios::lifecycle),
            new Scenario("one workflow sleeping 30 days", Scenarios::longSleep),
            new Scenario("20 orders: 2 retried failures + 1 h timer", Scenarios::retryingOrders));
    System.out.printf(Locale.ROOT, "%-45s %14s %14s %8s%n", "scenario (median of " + iterations + ")", "timewarp ms", "incumbent ms", "ratio");
    for (Scenario scenario : scenarios) {
      for (int i = 0; i < warmup; i++) {
        measure(Servers.TIMEWARP, scenario);
        measure(Servers.INCUMBENT, scenario);
      }
      List<Double> ours = new ArrayList<>();
      List<Double> theirs = new ArrayList<>();
      for (int i = 0; i < iterations; i++) {
        ours.add(measure(Servers.TIMEWARP, scenario));
        theirs.add(measure(Servers.INCUMBENT, scenario));
      }
      double a = median(ours);
      double b = median(theirs);
      System.out.printf(Locale.ROOT, "%-45s %14.1f %14.1f %7.1fx%n", scenario.name(), a, b, b / a);
    }
    extensionRow("JUnit: per test, setup + teardown (empty test)",
        ExtensionFixtures.TimewarpEmpty.class, ExtensionFixtures.IncumbentEmpty.class, warmup, iterations);
    extensionRow("JUnit: per test with a 30-day-sleep workflow",
        ExtensionFixtures.TimewarpSleep.class, ExtensionFixtures.IncumbentSleep.class, warmup, iterations);
    System.exit(0);
  }

  /** Milliseconds per test of a whole test class run through JUnit, for each extension. */
  private static void extensionRow(String name, Class<?> ours, Class<?> theirs, int warmup, int iterations) {
    for (int i = 0; i < warmup; i++) {
      perTest(ours);
      perTest(theirs);
    }
    List<Double> a = new ArrayList<>();
    List<Double> b = new ArrayList<>();
    for (int i = 0; i < iterations; i++) {
      a.add(perTest(ours));
      b.add(perTest(theirs));
    }
    double x = median(a);
    double y = median(b);
    System.out.printf(Locale.ROOT, "%-45s %14.1f %14.1f %7.1fx%n", name, x, y, y / x);
  }

  private static double perTest(Class<?> fixture) {
    long start = System.nanoTime();
    var results = org.junit.platform.testkit.engine.EngineTestKit.engine("junit-jupiter")
        .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(fixture))
        .execute()
        .testEvents();
    long failed = results.failed().count();
    if (failed > 0 || results.succeeded().count() != ExtensionFixtures.REPETITIONS) {
      throw new IllegalStateException(fixture.getSimpleName() + ": " + failed + " tests failed");
    }
    return (System.nanoTime() - start) / 1e6 / ExtensionFixtures.REPETITIONS;
  }

  private static double measure(Servers server, Scenario scenario) {
    long start = System.nanoTime();
    try (Environment env = server.open(Scenarios.TASK_QUEUE)) {
      scenario.body().accept(env);
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
