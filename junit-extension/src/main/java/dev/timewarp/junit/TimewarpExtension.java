package dev.timewarp.junit;

import dev.timewarp.junit.internal.ExtensionConfig;
import dev.timewarp.junit.internal.HistoryReport;
import dev.timewarp.junit.internal.ServerHandle;
import dev.timewarp.junit.internal.Servers;
import dev.timewarp.junit.internal.TestScope;
import dev.timewarp.junit.internal.TimeHolding;
import dev.timewarp.junit.internal.WorkflowHistories;
import dev.timewarp.server.Faults;
import dev.timewarp.server.TestClock;
import dev.timewarp.server.TimeSkipping;
import dev.timewarp.server.TimewarpServer;
import io.temporal.client.ActivityClient;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.lang.reflect.Executable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestInstantiationAwareExtension;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs tests against a Timewarp server. Declare it with {@link TimewarpTest}, or register it
 * programmatically to pass activity instances (fakes, mocks), worker options, a data converter or
 * interceptors:
 *
 * <pre>{@code
 * @RegisterExtension
 * static TimewarpExtension timewarp = TimewarpExtension.newBuilder()
 *     .registerWorkflowImplementationTypes(OrderWorkflowImpl.class)
 *     .registerActivityImplementations(new FakePayments())
 *     .build();
 * }</pre>
 *
 * A static field gives one server per class, an instance field one per test, and {@link
 * Builder#shareServerAcrossSuite()} one for the whole run. Each test always gets its own task queue,
 * worker and workflow-id prefix. Set {@code timewarp.target=host:port} (or {@code TIMEWARP_TARGET})
 * to run the same tests against a real Temporal cluster; tests that need the clock or fault controls
 * are then skipped with a message saying why.
 */
public final class TimewarpExtension
    implements BeforeAllCallback,
        BeforeEachCallback,
        ParameterResolver,
        TestExecutionExceptionHandler,
        TestInstantiationAwareExtension {
  private static final String OWNER = "owner";
  private static final String SCOPE = "scope";
  private static final Set<Class<?>> PER_TEST_TYPES =
      Set.of(WorkflowClient.class, WorkerFactory.class, Worker.class, WorkflowOptions.class,
          ActivityClient.class, TimewarpRuntime.class);
  private static final Set<Class<?>> SERVER_TYPES = Set.of(TestClock.class, Faults.class, WorkflowServiceStubs.class);
  private static final Set<Class<?>> NEEDS_TIMEWARP = Set.of(TestClock.class, Faults.class);

  private final Optional<ExtensionConfig> programmatic;

  /** Used by {@link TimewarpTest}; the configuration comes from the annotation. */
  public TimewarpExtension() {
    this.programmatic = Optional.empty();
  }

  private TimewarpExtension(ExtensionConfig config) {
    this.programmatic = Optional.of(config);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  @Override
  public void beforeAll(ExtensionContext context) {
    claim(context);
    Servers.forClass(context, config(context));
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    claim(context);
    TestScope scope = testScope(context);
    if (scope.server().server().isEmpty()) {
      List<Class<?>> wanted = new ArrayList<>();
      context.getTestMethod().ifPresent(m -> wanted.addAll(List.of(m.getParameterTypes())));
      wanted.retainAll(NEEDS_TIMEWARP);
      Assumptions.assumeTrue(wanted.isEmpty(), () -> "Skipped against the real Temporal cluster at " + scope.server().target()
          + ": " + wanted.get(0).getSimpleName() + " needs Timewarp's virtual clock and fault controls");
    }
  }

  /** Two Timewarp extensions on one class would fight over the server: refuse clearly. */
  private void claim(ExtensionContext context) {
    Object owner = context.getStore(Servers.NAMESPACE).getOrComputeIfAbsent(OWNER, key -> this);
    if (owner != this) {
      throw new ExtensionConfigurationException(
          "Two Timewarp extensions are registered on " + context.getRequiredTestClass().getSimpleName()
              + ": use either @TimewarpTest or one @RegisterExtension TimewarpExtension field, not both");
    }
  }

  private ExtensionConfig config(ExtensionContext context) {
    if (programmatic.isPresent()) {
      return programmatic.get();
    }
    for (Class<?> type = context.getTestClass().orElse(null); type != null; type = type.getEnclosingClass()) {
      Optional<TimewarpTest> annotation = AnnotationSupport.findAnnotation(type, TimewarpTest.class);
      if (annotation.isPresent()) {
        return ExtensionConfig.of(annotation.get());
      }
    }
    throw new ExtensionConfigurationException(
        "TimewarpExtension was registered without configuration: annotate the class with @TimewarpTest"
            + " instead of @ExtendWith(TimewarpExtension.class), or use @RegisterExtension with"
            + " TimewarpExtension.newBuilder()...build()");
  }

  private TestScope testScope(ExtensionContext context) {
    if (context.getTestMethod().isEmpty()) {
      throw new IllegalStateException("no test method in " + context.getDisplayName());
    }
    return context.getStore(Servers.NAMESPACE).getOrComputeIfAbsent(SCOPE, key -> openScope(context), TestScope.class);
  }

  private TestScope openScope(ExtensionContext context) {
    ExtensionConfig config = config(context);
    Servers.ForTest server = Servers.forTest(context, config);
    boolean alone = server.ownership() == Servers.Ownership.TEST
        || (context.getExecutionMode() == ExecutionMode.SAME_THREAD && !parallelSuite(context, config));
    TimeHolding holding =
        config.timeSkipping() == TimeSkipping.AUTO && alone ? TimeHolding.HOLD_WHILE_TEST_WORKS : TimeHolding.NEVER;
    String name = context.getRequiredTestMethod().getName();
    return new TestScope(server, config, Servers.namespace(config), name, holding);
  }

  /** A suite-wide server under parallel execution is shared with concurrent tests. */
  private static boolean parallelSuite(ExtensionContext context, ExtensionConfig config) {
    boolean parallel = context.getConfigurationParameter("junit.jupiter.execution.parallel.enabled")
        .map(Boolean::parseBoolean).orElse(false);
    return parallel && config.scope().orElse(ServerScope.PER_CLASS) == ServerScope.SUITE;
  }

  // ---- injection --------------------------------------------------------------------------------

  @Override
  public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
    return ExtensionContextScope.TEST_METHOD; // constructors get the test's own client and worker
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return PER_TEST_TYPES.contains(type) || SERVER_TYPES.contains(type) || config(context).implementsWorkflow(type);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (context.getTestMethod().isEmpty()) {
      return resolveForClass(type, parameter.getDeclaringExecutable(), context);
    }
    TestScope scope = testScope(context);
    if (type == TestClock.class) {
      return timewarp(scope.server(), type).clock();
    }
    if (type == Faults.class) {
      return timewarp(scope.server(), type).faults();
    }
    if (type == WorkflowServiceStubs.class) {
      return scope.server().stubs();
    }
    if (type == WorkflowClient.class) {
      return scope.client();
    }
    if (type == WorkerFactory.class) {
      return scope.factory();
    }
    if (type == Worker.class) {
      return scope.worker();
    }
    if (type == WorkflowOptions.class) {
      return scope.newWorkflowOptions();
    }
    if (type == ActivityClient.class) {
      return scope.activityClient();
    }
    if (type == TimewarpRuntime.class) {
      return scope.runtime();
    }
    return scope.client().newWorkflowStub(type, scope.newWorkflowOptions());
  }

  /** In @BeforeAll/@AfterAll methods only the class's server is there, not a test's worker. */
  private Object resolveForClass(Class<?> type, Executable where, ExtensionContext context) {
    if (!SERVER_TYPES.contains(type)) {
      throw new ParameterResolutionException(
          type.getSimpleName() + " belongs to a single test (its own task queue and worker): inject it into a test"
              + " method, a @BeforeEach/@AfterEach method or the constructor, not into " + where.getName());
    }
    ServerHandle server = Servers.forClass(context).orElseThrow(() -> new ParameterResolutionException(
        "No server is shared by the tests of " + context.getDisplayName() + " (each test starts its own): inject "
            + type.getSimpleName() + " into a test method, a @BeforeEach/@AfterEach method or the constructor"));
    if (type == WorkflowServiceStubs.class) {
      return server.stubs();
    }
    TimewarpServer timewarp = timewarp(server, type);
    return type == TestClock.class ? timewarp.clock() : timewarp.faults();
  }

  private static TimewarpServer timewarp(ServerHandle server, Class<?> wanted) {
    return server.server().orElseThrow(() -> new ParameterResolutionException(
        wanted.getSimpleName() + " needs Timewarp's virtual clock, but the tests run against the real Temporal"
            + " cluster at " + server.target()));
  }

  // ---- failures ---------------------------------------------------------------------------------

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    TestScope scope = context.getStore(Servers.NAMESPACE).get(SCOPE, TestScope.class);
    if (scope != null) {
      String report = HistoryReport.render(scope);
      if (!report.isEmpty()) {
        failure.addSuppressed(new WorkflowHistories(report));
      }
    }
    throw failure;
  }

  // ---- builder ----------------------------------------------------------------------------------

  /** Builds a {@link TimewarpExtension} for {@code @RegisterExtension}. */
  public static final class Builder {
    private final List<Class<?>> workflowTypes = new ArrayList<>();
    private final List<Object> activities = new ArrayList<>();
    private WorkerOptions workerOptions = WorkerOptions.getDefaultInstance();
    private DataConverter dataConverter;
    private final List<WorkerInterceptor> workerInterceptors = new ArrayList<>();
    private final List<WorkflowClientInterceptor> clientInterceptors = new ArrayList<>();
    private String namespace = "default";
    private String taskQueuePrefix = "timewarp";
    private Instant initialTime;
    private TimeSkipping timeSkipping = TimeSkipping.AUTO;
    private ServerScope scope;

    private Builder() {}

    public Builder registerWorkflowImplementationTypes(Class<?>... types) {
      workflowTypes.addAll(List.of(types));
      return this;
    }

    /** Activity implementation instances (real ones, fakes or mocks), shared by all tests. */
    public Builder registerActivityImplementations(Object... implementations) {
      activities.addAll(List.of(implementations));
      return this;
    }

    public Builder setWorkerOptions(WorkerOptions options) {
      this.workerOptions = options;
      return this;
    }

    public Builder setDataConverter(DataConverter converter) {
      this.dataConverter = converter;
      return this;
    }

    public Builder setWorkerInterceptors(WorkerInterceptor... interceptors) {
      workerInterceptors.addAll(List.of(interceptors));
      return this;
    }

    public Builder setWorkflowClientInterceptors(WorkflowClientInterceptor... interceptors) {
      clientInterceptors.addAll(List.of(interceptors));
      return this;
    }

    public Builder setNamespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder setTaskQueuePrefix(String prefix) {
      this.taskQueuePrefix = prefix;
      return this;
    }

    public Builder setInitialTime(Instant initialTime) {
      this.initialTime = initialTime;
      return this;
    }

    public Builder setTimeSkipping(TimeSkipping timeSkipping) {
      this.timeSkipping = timeSkipping;
      return this;
    }

    /** One server for the whole test run (each test still gets its own task queue). */
    public Builder shareServerAcrossSuite() {
      this.scope = ServerScope.SUITE;
      return this;
    }

    public TimewarpExtension build() {
      return new TimewarpExtension(
          new ExtensionConfig(
              List.copyOf(workflowTypes),
              List.of(),
              List.copyOf(activities),
              workerOptions,
              Optional.ofNullable(dataConverter),
              List.copyOf(workerInterceptors),
              List.copyOf(clientInterceptors),
              namespace,
              taskQueuePrefix,
              Optional.ofNullable(initialTime),
              timeSkipping,
              Optional.ofNullable(scope)));
    }
  }
}
