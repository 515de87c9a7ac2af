package dev.timewarp.junit.internal;

import dev.timewarp.server.ServerOptions;
import dev.timewarp.server.TimeSkipping;
import dev.timewarp.server.TimewarpServer;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A Timewarp server (or a real cluster) and the stubs tests reach it through. Closed by JUnit. */
public final class ServerHandle implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  private final Optional<TimewarpServer> server;
  private final WorkflowServiceStubs stubs;
  private final String target;
  private final Optional<TimeHold> hold;

  private ServerHandle(Optional<TimewarpServer> server, WorkflowServiceStubs stubs, String target, Optional<TimeHold> hold) {
    this.server = server;
    this.stubs = stubs;
    this.target = target;
    this.hold = hold;
  }

  static ServerHandle start(Optional<Instant> initialTime, TimeSkipping timeSkipping, String namespace) {
    ServerOptions.Builder options = ServerOptions.builder().timeSkipping(timeSkipping);
    initialTime.ifPresent(options::initialTime);
    TimewarpServer server = TimewarpServer.start(options.build());
    TimeHold hold = new TimeHold(server.clock());
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setChannel(server.channel())
                .setGrpcClientInterceptors(List.of(new WaitReleasingInterceptor(hold)))
                .build());
    ServerHandle handle = new ServerHandle(Optional.of(server), stubs, server.target(), Optional.of(hold));
    handle.ensureNamespace(namespace);
    return handle;
  }

  static ServerHandle connect(ClusterTarget cluster) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(cluster.target()).build());
    return new ServerHandle(Optional.empty(), stubs, cluster.target(), Optional.empty());
  }

  private void ensureNamespace(String namespace) {
    try {
      stubs.blockingStub().describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
    } catch (io.grpc.StatusRuntimeException notFound) {
      stubs.blockingStub().registerNamespace(RegisterNamespaceRequest.newBuilder().setNamespace(namespace).build());
    }
  }

  public Optional<TimewarpServer> server() {
    return server;
  }

  public WorkflowServiceStubs stubs() {
    return stubs;
  }

  public String target() {
    return target;
  }

  Optional<TimeHold> hold() {
    return hold;
  }

  @Override
  public void close() {
    stubs.shutdownNow();
    server.ifPresent(TimewarpServer::close);
  }
}
