package dev.timewarp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.server.internal.grpc.testservice.GetCurrentTimeResponse;
import dev.timewarp.server.internal.grpc.testservice.SleepRequest;
import dev.timewarp.server.internal.grpc.testservice.TestServiceGrpc;
import dev.timewarp.server.internal.grpc.testservice.UnlockTimeSkippingRequest;
import com.google.protobuf.Empty;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Starts the runnable jar as SDK launchers do and drives it over TCP with the official SDK. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StandaloneServerIT {
  @WorkflowInterface
  public interface Napper {
    @WorkflowMethod
    long nap();
  }

  public static class NapperImpl implements Napper {
    @Override
    public long nap() {
      long before = Workflow.currentTimeMillis();
      Workflow.sleep(Duration.ofDays(7));
      return Workflow.currentTimeMillis() - before;
    }
  }

  @io.temporal.activity.ActivityInterface
  public interface Exporter {
    String export(String name);
  }

  /** Fails its first attempt, so a retry backoff has to be skipped. */
  public static class ExporterImpl implements Exporter {
    @Override
    public String export(String name) {
      int attempt = io.temporal.activity.Activity.getExecutionContext().getInfo().getAttempt();
      if (attempt == 1) {
        throw new IllegalStateException("disk busy");
      }
      return name + " exported on attempt " + attempt;
    }
  }

  private Process process;
  private WorkflowServiceStubs stubs;

  @AfterEach
  void stop() throws Exception {
    if (stubs != null) {
      stubs.shutdownNow();
    }
    if (process != null && process.isAlive()) {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private int launch(String... extra) throws Exception {
    String jar = System.getProperty("timewarp.standaloneJar", "target/timewarp-test-server.jar");
    assertThat(new File(jar)).as("standalone jar built by the package phase").exists();
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar);
    command.add(Integer.toString(port));
    command.addAll(List.of(extra));
    process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
    return port;
  }

  /** Polls GetSystemInfo every 100 ms, as SDK launchers do; returns when it first answers. */
  private Duration awaitSystemInfo(long startNanos) throws InterruptedException {
    while (true) {
      try {
        var info =
            stubs.blockingStub().withDeadlineAfter(1, TimeUnit.SECONDS).getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        assertThat(info.getCapabilities().getSdkMetadata()).isTrue();
        return Duration.ofNanos(System.nanoTime() - startNanos);
      } catch (StatusRuntimeException notYet) {
        assertThat(process.isAlive()).as("server process alive").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(5));
        Thread.sleep(100);
      }
    }
  }

  @Test
  void runsAWorkflowWithTimeSkippingOverTcp() throws Exception {
    long start = System.nanoTime();
    launch("--enable-time-skipping");
    awaitSystemInfo(start);

    WorkflowClient client = WorkflowClient.newInstance(stubs);
    WorkerFactory factory = WorkerFactory.newInstance(client);
    factory.newWorker("standalone").registerWorkflowImplementationTypes(NapperImpl.class);
    factory.start();
    try {
      Napper napper =
          client.newWorkflowStub(
              Napper.class, WorkflowOptions.newBuilder().setTaskQueue("standalone").setWorkflowId("nap").build());
      long sleptMillis = napper.nap();
      assertThat(Duration.ofMillis(sleptMillis)).isGreaterThanOrEqualTo(Duration.ofDays(7));
    } finally {
      factory.shutdownNow();
    }
  }

  @Test
  void standaloneActivitiesWorkThroughTheSdksActivityClientOverTcp() throws Exception {
    long start = System.nanoTime();
    launch("--enable-time-skipping");
    awaitSystemInfo(start);

    WorkflowClient client = WorkflowClient.newInstance(stubs);
    WorkerFactory factory = WorkerFactory.newInstance(client);
    factory.newWorker("exports").registerActivitiesImplementations(new ExporterImpl());
    factory.start();
    try {
      io.temporal.client.ActivityClient activities = io.temporal.client.ActivityClient.newInstance(stubs);
      var handle = activities.start(Exporter.class, Exporter::export, io.temporal.client.StartActivityOptions.newBuilder()
              .setId("export-1").setTaskQueue("exports").setStartToCloseTimeout(Duration.ofMinutes(1))
              .setRetryOptions(io.temporal.common.RetryOptions.newBuilder().setInitialInterval(Duration.ofHours(1)).build())
              .build(),
          "report");
      assertThat(handle.getResult()).isEqualTo("report exported on attempt 2"); // an hour of backoff skipped
      assertThat(handle.describe().getRawInfo().getAttempt()).isEqualTo(2);
      assertThat(activities.listExecutions("ActivityId = 'export-1'").map(a -> a.getStatus()))
          .containsExactly(io.temporal.api.enums.v1.ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_COMPLETED);
      assertThat(activities.countExecutions("ExecutionStatus = 'Completed'").getCount()).isEqualTo(1);
    } finally {
      factory.shutdownNow();
    }
  }

  @Test
  void positionalPortAloneStartsLockedAsSdkLaunchersExpect() throws Exception {
    long start = System.nanoTime();
    launch();
    awaitSystemInfo(start);
    var testService = TestServiceGrpc.newBlockingStub(stubs.getRawChannel());
    Instant before = timestamp(testService.getCurrentTime(Empty.getDefaultInstance()));

    // unlocking with a sleep skips a whole day at once, then locks again
    testService.unlockTimeSkippingWithSleep(
        SleepRequest.newBuilder().setDuration(com.google.protobuf.Duration.newBuilder().setSeconds(86400)).build());
    Instant after = timestamp(testService.getCurrentTime(Empty.getDefaultInstance()));
    assertThat(Duration.between(before, after)).isGreaterThanOrEqualTo(Duration.ofDays(1));

    testService.unlockTimeSkipping(UnlockTimeSkippingRequest.getDefaultInstance());
    try {
      testService.unlockTimeSkipping(UnlockTimeSkippingRequest.getDefaultInstance());
      throw new AssertionError("a second unlock must be refused");
    } catch (StatusRuntimeException refused) {
      assertThat(refused.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.FAILED_PRECONDITION);
    }
  }

  @Test
  void theLauncherScriptStartsItAsSdkTestEnvironmentsDo() throws Exception {
    java.nio.file.Path script = java.nio.file.Path.of("..", "bin", "timewarp-test-server");
    assertThat(script).isExecutable();
    int port = freePort();
    long start = System.nanoTime();
    process = new ProcessBuilder(script.toString(), Integer.toString(port))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
    awaitSystemInfo(start);
  }

  @Test
  void stopsCleanlyOnSigterm() throws Exception {
    long start = System.nanoTime();
    launch("--enable-time-skipping");
    awaitSystemInfo(start);
    process.destroy(); // SIGTERM
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    // 143 = terminated by SIGTERM after the shutdown hook ran; 0 if main returned first
    assertThat(process.exitValue()).isIn(0, 143);
  }

  private static Instant timestamp(GetCurrentTimeResponse response) {
    return Instant.ofEpochSecond(response.getTime().getSeconds(), response.getTime().getNanos());
  }
}
