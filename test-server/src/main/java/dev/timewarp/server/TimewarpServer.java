package dev.timewarp.server;

import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.InFlight;
import dev.timewarp.server.internal.grpc.OperatorServiceShell;
import dev.timewarp.server.internal.grpc.TestServiceShell;
import dev.timewarp.server.internal.grpc.WorkflowServiceShell;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-memory, time-skipping server speaking Temporal's gRPC API. Always reachable in process
 * through {@link #channel()}; also on a TCP port when {@link ServerOptions#port()} is set.
 *
 * <pre>{@code
 * try (TimewarpServer server = TimewarpServer.start(ServerOptions.defaults())) {
 *   WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
 *       WorkflowServiceStubsOptions.newBuilder().setChannel(server.channel()).build());
 *   ...
 * }
 * }</pre>
 */
public final class TimewarpServer implements AutoCloseable {
  private static final int MAX_MESSAGE_BYTES = 128 * 1024 * 1024;
  /** How long an explicit advance waits for each step's consequences before moving on. */
  private static final Duration SETTLE_LIMIT = Duration.ofSeconds(10);

  private final ServerOptions options;
  private final Engine engine;
  private final String inProcessName = "timewarp-" + UUID.randomUUID();
  private final Server inProcessServer;
  private final Server networkServer;
  private final ManagedChannel channel;
  private final HealthStatusManager health = new HealthStatusManager();
  private final TestClock clock;
  private final Faults faults = new FaultControls();
  private final AtomicBoolean closed = new AtomicBoolean();

  private TimewarpServer(ServerOptions options) {
    this.options = options;
    this.engine = new Engine(options.initialTime().orElseGet(Instant::now), options.timeSkipping());
    List<BindableService> services =
        List.of(
            new WorkflowServiceShell(engine),
            new OperatorServiceShell(engine),
            new TestServiceShell(engine),
            health.getHealthService());
    health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    health.setStatus(
        "temporal.api.workflowservice.v1.WorkflowService",
        io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    try {
      InProcessServerBuilder inProcess =
          InProcessServerBuilder.forName(inProcessName).maxInboundMessageSize(MAX_MESSAGE_BYTES);
      services.forEach(inProcess::addService);
      this.inProcessServer = inProcess.build().start();
      if (options.port().isPresent()) {
        NettyServerBuilder network =
            NettyServerBuilder.forAddress(
                    new InetSocketAddress(options.bindAddress(), options.port().getAsInt()))
                .maxInboundMessageSize(MAX_MESSAGE_BYTES);
        services.forEach(network::addService);
        this.networkServer = network.build().start();
      } else {
        this.networkServer = null;
      }
    } catch (IOException e) {
      engine.close();
      throw new UncheckedIOException("Could not start the Timewarp server: " + e.getMessage(), e);
    }
    this.channel =
        InProcessChannelBuilder.forName(inProcessName)
            .directExecutor()
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .build();
    this.clock = new Clock();
  }

  /** Starts a server with the given options. */
  public static TimewarpServer start(ServerOptions options) {
    return new TimewarpServer(options);
  }

  /** Starts an in-process server with default options. */
  public static TimewarpServer start() {
    return start(ServerOptions.defaults());
  }

  public ServerOptions options() {
    return options;
  }

  /** A channel to this server, in process; closed with the server. */
  public ManagedChannel channel() {
    return channel;
  }

  /** The in-process server name, for {@code InProcessChannelBuilder.forName}. */
  public String inProcessName() {
    return inProcessName;
  }

  /** The TCP port served on; -1 when in-process only. */
  public int port() {
    return networkServer == null ? -1 : networkServer.getPort();
  }

  /** {@code host:port} for SDK clients, or {@code in-process:<name>} when in-process only. */
  public String target() {
    return networkServer == null
        ? "in-process:" + inProcessName
        : options.bindAddress() + ":" + networkServer.getPort();
  }

  public TestClock clock() {
    return clock;
  }

  /** Crashed workers, lost tasks and worker outages, on demand. */
  public Faults faults() {
    return faults;
  }

  /** Every activity of the current run of {@code workflowId} in namespace {@code default}, with all attempts. */
  public List<ActivityRecord> activityRecords(String workflowId) {
    return activityRecords("default", workflowId, "");
  }

  /** Every activity of a run (empty {@code runId}: the current run), with all its attempts. */
  public List<ActivityRecord> activityRecords(String namespace, String workflowId, String runId) {
    return engine.call(
        () -> engine.workflows().activityRecords(
            namespace,
            io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId).build()));
  }

  /** Blocks until the server shuts down. */
  public void awaitTermination() throws InterruptedException {
    if (networkServer != null) {
      networkServer.awaitTermination();
    } else {
      inProcessServer.awaitTermination();
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    health.enterTerminalState();
    channel.shutdownNow();
    if (networkServer != null) {
      networkServer.shutdownNow();
    }
    inProcessServer.shutdownNow();
    engine.close();
    try {
      if (networkServer != null) {
        networkServer.awaitTermination(5, TimeUnit.SECONDS);
      }
      inProcessServer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Clock implements TestClock {
    @Override
    public Instant now() {
      return engine.now();
    }

    @Override
    public void advance(Duration duration) {
      if (duration.isNegative()) {
        throw new IllegalArgumentException("cannot advance by a negative duration: " + duration);
      }
      engine.advanceBy(duration, SETTLE_LIMIT);
    }

    @Override
    public void advanceTo(Instant instant) {
      engine.advanceTo(instant, SETTLE_LIMIT);
    }

    @Override
    public void awaitIdle(Duration realTimeLimit) {
      List<InFlight> still = engine.awaitIdle(realTimeLimit);
      if (!still.isEmpty()) {
        throw new NotIdleException(realTimeLimit, still.stream().map(InFlight::description).toList());
      }
    }

    @Override
    public TimeLock lock() {
      engine.lockTimeSkipping();
      AtomicBoolean released = new AtomicBoolean();
      return () -> {
        if (released.compareAndSet(false, true)) {
          engine.unlockTimeSkipping();
        }
      };
    }

    @Override
    public TimeSkipping mode() {
      return options.timeSkipping();
    }

    @Override
    public List<String> busyReasons() {
      return engine.inFlight().stream().map(InFlight::description).toList();
    }
  }

  private final class FaultControls implements Faults {
    @Override
    public void declareWorkerGone(String workerIdentity) {
      engine.run(() -> engine.workflows().declareWorkerGone(workerIdentity));
    }

    @Override
    public void dropNextActivityDelivery(String activityType) {
      engine.run(() -> engine.faults().dropNextDelivery(activityType));
    }

    @Override
    public Outage stopPollers(String taskQueue) {
      return stopPollers("default", taskQueue);
    }

    @Override
    public Outage stopPollers(String namespace, String taskQueue) {
      engine.run(() -> engine.matching().setOutage(namespace, taskQueue, true));
      AtomicBoolean ended = new AtomicBoolean();
      return () -> {
        if (ended.compareAndSet(false, true)) {
          engine.run(() -> engine.matching().setOutage(namespace, taskQueue, false));
        }
      };
    }
  }
}
