package dev.timewarp.server.sdk;

import dev.timewarp.server.ServerOptions;
import dev.timewarp.server.TimewarpServer;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.util.List;
import java.util.UUID;

/** A Timewarp server with the official SDK's client and a worker pointed at it. */
final class SdkHarness implements AutoCloseable {
  final TimewarpServer server;
  final WorkflowServiceStubs stubs;
  final WorkflowClient client;
  final WorkerFactory factory;
  final Worker worker;
  final String taskQueue = "tq-" + UUID.randomUUID();

  SdkHarness() {
    this(ServerOptions.defaults());
  }

  SdkHarness(ServerOptions options) {
    server = TimewarpServer.start(options);
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setChannel(server.channel()).build());
    client = WorkflowClient.newInstance(stubs);
    factory = WorkerFactory.newInstance(client);
    worker = factory.newWorker(taskQueue);
  }

  SdkHarness start() {
    factory.start();
    return this;
  }

  WorkflowOptions options(String workflowId) {
    return WorkflowOptions.newBuilder().setTaskQueue(taskQueue).setWorkflowId(workflowId).build();
  }

  <T> T newStub(Class<T> type, String workflowId) {
    return client.newWorkflowStub(type, options(workflowId));
  }

  List<HistoryEvent> history(String workflowId) {
    WorkflowExecutionHistory history = client.fetchHistory(workflowId);
    return history.getEvents();
  }

  static List<String> types(List<HistoryEvent> events) {
    return events.stream().map(e -> e.getEventType().name().replace("EVENT_TYPE_", "")).toList();
  }

  @Override
  public void close() {
    factory.shutdownNow();
    stubs.shutdownNow();
    server.close();
  }
}
