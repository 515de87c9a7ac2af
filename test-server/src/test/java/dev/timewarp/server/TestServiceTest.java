package dev.timewarp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import dev.timewarp.server.internal.grpc.testservice.LockTimeSkippingRequest;
import dev.timewarp.server.internal.grpc.testservice.SleepRequest;
import dev.timewarp.server.internal.grpc.testservice.SleepUntilRequest;
import dev.timewarp.server.internal.grpc.testservice.TestServiceGrpc;
import dev.timewarp.server.internal.grpc.testservice.UnlockTimeSkippingRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TestService RPCs over the in-process channel. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TestServiceTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private final TimewarpServer server = TimewarpServer.start(ServerOptions.builder().initialTime(T0).build());
  private final TestServiceGrpc.TestServiceBlockingStub testService = TestServiceGrpc.newBlockingStub(server.channel());

  @AfterEach
  void close() {
    server.close();
  }

  private Instant now() {
    Timestamp time = testService.getCurrentTime(Empty.getDefaultInstance()).getTime();
    return Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
  }

  @Test
  void currentTimeStartsAtTheInitialTime() {
    assertThat(now()).isBetween(T0, T0.plusSeconds(10));
  }

  @Test
  void sleepOnAnIdleServerSkipsTheWholeDuration() {
    testService.sleep(SleepRequest.newBuilder().setDuration(com.google.protobuf.Duration.newBuilder().setSeconds(86_400 * 3)).build());
    assertThat(now()).isAfterOrEqualTo(T0.plus(Duration.ofDays(3)));
  }

  @Test
  void sleepUntilThePastReturnsAtOnceAndTheFutureIsReached() {
    testService.sleepUntil(SleepUntilRequest.newBuilder().setTimestamp(Timestamp.newBuilder().setSeconds(T0.getEpochSecond() - 60)).build());
    Instant target = T0.plus(Duration.ofHours(5));
    testService.sleepUntil(SleepUntilRequest.newBuilder().setTimestamp(Timestamp.newBuilder().setSeconds(target.getEpochSecond())).build());
    assertThat(now()).isAfterOrEqualTo(target);
  }

  @Test
  void locksNestAndAnExtraUnlockIsRefusedWithoutEffect() {
    testService.lockTimeSkipping(LockTimeSkippingRequest.getDefaultInstance());
    testService.lockTimeSkipping(LockTimeSkippingRequest.getDefaultInstance());
    assertThat(server.clock().busyReasons()).containsExactly("2 time-skipping lock(s) held by clients");
    testService.unlockTimeSkipping(UnlockTimeSkippingRequest.getDefaultInstance());
    testService.unlockTimeSkipping(UnlockTimeSkippingRequest.getDefaultInstance());
    try {
      testService.unlockTimeSkipping(UnlockTimeSkippingRequest.getDefaultInstance());
      throw new AssertionError("expected FAILED_PRECONDITION");
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }
    assertThat(server.clock().busyReasons()).isEmpty();
    // skipping still works after the refused unlock
    testService.sleep(SleepRequest.newBuilder().setDuration(com.google.protobuf.Duration.newBuilder().setSeconds(3600)).build());
    assertThat(now()).isAfterOrEqualTo(T0.plus(Duration.ofHours(1)));
  }

  @Test
  void unlockWithSleepWithoutALockIsRefusedAndLeavesNoLockBehind() {
    try {
      testService.unlockTimeSkippingWithSleep(SleepRequest.newBuilder().setDuration(com.google.protobuf.Duration.newBuilder().setSeconds(60)).build());
      throw new AssertionError("expected FAILED_PRECONDITION");
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }
    assertThat(server.clock().busyReasons()).isEmpty();
  }
}
