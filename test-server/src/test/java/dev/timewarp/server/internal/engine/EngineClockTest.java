package dev.timewarp.server.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.timewarp.server.TimeSkipping;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine's time driver and locks, without gRPC. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EngineClockTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private Engine engine;

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void idleEngineSkipsStraightToTheNextDeadline() throws Exception {
    engine = new Engine(T0, TimeSkipping.AUTO);
    CountDownLatch fired = new CountDownLatch(1);
    engine.run(() -> engine.deadlines().schedule(T0.plus(Duration.ofDays(365)), "a year", fired::countDown));

    assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(engine.now()).isAfterOrEqualTo(T0.plus(Duration.ofDays(365)));
  }

  @Test
  void aClientLockHoldsTimeAtWallPace() throws Exception {
    engine = new Engine(T0, TimeSkipping.LOCKED);
    CountDownLatch fired = new CountDownLatch(1);
    engine.run(() -> engine.deadlines().schedule(T0.plus(Duration.ofHours(1)), "an hour", fired::countDown));

    assertThat(fired.await(300, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(engine.inFlight()).extracting(InFlight::kind).containsExactly(InFlight.Kind.CLIENT_LOCK);

    engine.unlockTimeSkipping();
    assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void unlockWithoutLockIsRefusedAndLeavesSkippingWorking() throws Exception {
    engine = new Engine(T0, TimeSkipping.AUTO);
    assertThatThrownBy(engine::unlockTimeSkipping)
        .isInstanceOf(EngineException.class)
        .satisfies(e -> assertThat(((EngineException) e).code()).isEqualTo(EngineException.Code.FAILED_PRECONDITION))
        .hasMessageContaining("not locked");

    CountDownLatch fired = new CountDownLatch(1);
    engine.run(() -> engine.deadlines().schedule(T0.plus(Duration.ofDays(2)), "two days", fired::countDown));
    assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void manualModeOnlyMovesOnExplicitAdvance() throws Exception {
    engine = new Engine(T0, TimeSkipping.MANUAL);
    CountDownLatch fired = new CountDownLatch(2);
    engine.run(() -> {
      engine.deadlines().schedule(T0.plus(Duration.ofMinutes(10)), "ten minutes", fired::countDown);
      engine.deadlines().schedule(T0.plus(Duration.ofMinutes(20)), "twenty minutes", fired::countDown);
    });
    assertThat(fired.await(300, TimeUnit.MILLISECONDS)).isFalse();

    engine.advanceTo(T0.plus(Duration.ofMinutes(30)), Duration.ofSeconds(1));

    assertThat(fired.getCount()).isZero();
    assertThat(engine.now()).isAfterOrEqualTo(T0.plus(Duration.ofMinutes(30)));
  }

  @Test
  void cancelledDeadlinesAddNoVirtualTime() {
    engine = new Engine(T0, TimeSkipping.MANUAL);
    engine.run(() -> engine.deadlines().schedule(T0.plus(Duration.ofDays(9)), "cancelled", () -> {}).cancel());

    engine.advanceTo(T0.plus(Duration.ofSeconds(1)), Duration.ofSeconds(1));

    assertThat(engine.now()).isBefore(T0.plus(Duration.ofMinutes(1)));
  }

  @Test
  void awaitIdleReportsWhatIsInFlight() {
    engine = new Engine(T0, TimeSkipping.LOCKED);
    // client locks do not count for awaitIdle: nothing else is in flight
    assertThat(engine.awaitIdle(Duration.ofMillis(50))).isEmpty();
  }
}
