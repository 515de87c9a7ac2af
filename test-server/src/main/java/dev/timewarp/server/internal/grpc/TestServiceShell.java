package dev.timewarp.server.internal.grpc;

import com.google.protobuf.Empty;
import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.grpc.testservice.GetCurrentTimeResponse;
import dev.timewarp.server.internal.grpc.testservice.LockTimeSkippingRequest;
import dev.timewarp.server.internal.grpc.testservice.LockTimeSkippingResponse;
import dev.timewarp.server.internal.grpc.testservice.SleepRequest;
import dev.timewarp.server.internal.grpc.testservice.SleepResponse;
import dev.timewarp.server.internal.grpc.testservice.SleepUntilRequest;
import dev.timewarp.server.internal.grpc.testservice.SleepUntilResponse;
import dev.timewarp.server.internal.grpc.testservice.TestServiceGrpc;
import dev.timewarp.server.internal.grpc.testservice.UnlockTimeSkippingRequest;
import dev.timewarp.server.internal.grpc.testservice.UnlockTimeSkippingResponse;
import dev.timewarp.server.internal.time.Deadline;
import dev.timewarp.server.internal.time.ProtoTime;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** temporal.api.testservice.v1.TestService: the time-skipping controls SDK test environments call. */
public final class TestServiceShell extends TestServiceGrpc.TestServiceImplBase {
  /** A sleeping client never waits longer than this in wall time. */
  private static final Duration SLEEP_LIMIT = Duration.ofHours(24);

  private final Engine engine;

  public TestServiceShell(Engine engine) {
    this.engine = engine;
  }

  @Override
  public void lockTimeSkipping(LockTimeSkippingRequest request, StreamObserver<LockTimeSkippingResponse> observer) {
    Calls.respond(observer, () -> {
      engine.lockTimeSkipping();
      return LockTimeSkippingResponse.getDefaultInstance();
    });
  }

  @Override
  public void unlockTimeSkipping(UnlockTimeSkippingRequest request, StreamObserver<UnlockTimeSkippingResponse> observer) {
    Calls.respond(observer, () -> {
      engine.unlockTimeSkipping();
      return UnlockTimeSkippingResponse.getDefaultInstance();
    });
  }

  @Override
  public void sleep(SleepRequest request, StreamObserver<SleepResponse> observer) {
    Calls.respond(observer, () -> {
      sleepFor(checkedDuration(request));
      return SleepResponse.getDefaultInstance();
    });
  }

  @Override
  public void sleepUntil(SleepUntilRequest request, StreamObserver<SleepUntilResponse> observer) {
    Calls.respond(observer, () -> {
      sleepUntil(ProtoTime.instant(request.getTimestamp()));
      return SleepUntilResponse.getDefaultInstance();
    });
  }

  @Override
  public void unlockTimeSkippingWithSleep(SleepRequest request, StreamObserver<SleepResponse> observer) {
    Calls.respond(observer, () -> {
      Duration duration = checkedDuration(request);
      engine.unlockTimeSkipping(); // refuses, changing nothing, if no lock is held
      try {
        sleepFor(duration);
      } finally {
        engine.lockTimeSkipping();
      }
      return SleepResponse.getDefaultInstance();
    });
  }

  @Override
  public void getCurrentTime(Empty request, StreamObserver<GetCurrentTimeResponse> observer) {
    Calls.respond(observer, () -> GetCurrentTimeResponse.newBuilder().setTime(ProtoTime.timestamp(engine.now())).build());
  }

  private static Duration checkedDuration(SleepRequest request) {
    if (!ProtoTime.isValid(request.getDuration())) {
      throw EngineException.invalidArgument("Sleep duration must not be negative.");
    }
    return ProtoTime.duration(request.getDuration());
  }

  private void sleepFor(Duration duration) {
    sleepUntil(engine.now().plus(duration));
  }

  private void sleepUntil(Instant target) {
    if (!engine.now().isBefore(target)) {
      return;
    }
    Deadline wakeUp = engine.wakeUpAt(target, "a client sleeping until " + target);
    try {
      engine.awaitTime(target, SLEEP_LIMIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException(EngineException.Code.INTERNAL, "interrupted while sleeping", List.of());
    } finally {
      engine.run(wakeUp::cancel);
    }
  }
}
