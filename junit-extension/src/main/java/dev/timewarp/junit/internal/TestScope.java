package dev.timewarp.junit.internal;

import dev.timewarp.junit.TimewarpRuntime;
import io.temporal.client.ActivityClient;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test's own task queue, client, worker and workflow-id prefix on a shared or private server.
 * Closed by JUnit after the test.
 */
public final class TestScope implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  private final ServerHandle server;
  private final Servers.Ownership ownership;
  private final String namespace;
  private final String taskQueue;
  private final String workflowIdPrefix;
  private final String identity;
  private final WorkflowClient client;
  private final WorkerFactory factory;
  private final Worker worker;
  private final StartedExecutions started = new StartedExecutions();
  private final AtomicInteger workflowIds = new AtomicInteger();
  private final boolean holdsTime;
  private ActivityClient activityClient;

  public TestScope(Servers.ForTest forTest, ExtensionConfig config, String namespace, String testName, TimeHolding holding) {
    this.server = forTest.handle();
    this.ownership = forTest.ownership();
    this.namespace = namespace;
    String unique = UUID.randomUUID().toString().substring(0, 8);
    this.taskQueue = config.taskQueuePrefix() + "-" + unique;
    this.workflowIdPrefix = testName + "-" + unique;
    this.identity = testName + "@timewarp-" + unique;
    List<WorkflowClientInterceptor> interceptors = new ArrayList<>(config.clientInterceptors());
    interceptors.add(started);
    WorkflowClientOptions.Builder clientOptions =
        WorkflowClientOptions.newBuilder()
            .setNamespace(namespace)
            .setIdentity(identity)
            .setInterceptors(interceptors.toArray(WorkflowClientInterceptor[]::new));
    config.dataConverter().ifPresent(clientOptions::setDataConverter);
    this.client = WorkflowClient.newInstance(server.stubs(), clientOptions.build());
    this.factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(config.workerInterceptors().toArray(io.temporal.common.interceptors.WorkerInterceptor[]::new))
                .build());
    this.worker = factory.newWorker(taskQueue, config.workerOptions());
    if (!config.workflowTypes().isEmpty()) {
      worker.registerWorkflowImplementationTypes(config.workflowTypes().toArray(Class<?>[]::new));
    }
    List<Object> activities = new ArrayList<>(config.activityInstances());
    config.activityClasses().forEach(type -> activities.add(instantiate(type)));
    if (!activities.isEmpty()) {
      worker.registerActivitiesImplementations(activities.toArray());
    }
    if (!config.workflowTypes().isEmpty() || !activities.isEmpty()) {
      factory.start();
    }
    this.holdsTime = holding == TimeHolding.HOLD_WHILE_TEST_WORKS && server.hold().isPresent();
    if (holdsTime) {
      server.hold().get().hold();
    }
  }

  private static Object instantiate(Class<?> type) {
    try {
      return type.getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new ExtensionConfigurationException("Could not create activity implementation " + type.getName() + ": " + e, e);
    }
  }

  public ServerHandle server() {
    return server;
  }

  public WorkflowClient client() {
    return client;
  }

  public WorkerFactory factory() {
    return factory;
  }

  public Worker worker() {
    return worker;
  }

  public String taskQueue() {
    return taskQueue;
  }

  public synchronized ActivityClient activityClient() {
    if (activityClient == null) {
      activityClient =
          ActivityClient.newInstance(
              server.stubs(), io.temporal.client.ActivityClientOptions.newBuilder().setNamespace(namespace).build());
    }
    return activityClient;
  }

  /** Options for a new workflow of this test: its task queue and a fresh id under its prefix. */
  public WorkflowOptions newWorkflowOptions() {
    return WorkflowOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setWorkflowId(workflowIdPrefix + "-" + workflowIds.incrementAndGet())
        .build();
  }

  public TimewarpRuntime runtime() {
    return new TimewarpRuntime(server.target(), namespace, taskQueue, workflowIdPrefix, identity, server.server());
  }

  StartedExecutions started() {
    return started;
  }

  String namespace() {
    return namespace;
  }

  @Override
  public void close() {
    if (holdsTime) {
      server.hold().get().release();
    }
    factory.shutdownNow();
    if (ownership == Servers.Ownership.TEST) {
      // the server goes next: let the pollers finish first so they never see it vanish
      factory.awaitTermination(5, TimeUnit.SECONDS);
      server.close();
    }
    // on a shared server, waiting is not needed (the SDK's wait costs ~250 ms): the cancelled
    // polls are released by the server, and the next test polls a task queue of its own
  }
}
