package dev.timewarp.server.internal.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VirtualClockTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void startsAtTheGivenInstantAndRunsForward() {
    VirtualClock clock = new VirtualClock(T0);
    Instant first = clock.now();
    Instant second = clock.now();
    assertThat(first).isBetween(T0, T0.plusSeconds(5));
    assertThat(second).isAfterOrEqualTo(first);
  }

  @Test
  void skipToJumpsForwardExactly() {
    VirtualClock clock = new VirtualClock(T0);
    clock.skipTo(T0.plus(Duration.ofDays(30)));
    assertThat(clock.now()).isBetween(T0.plus(Duration.ofDays(30)), T0.plus(Duration.ofDays(30)).plusSeconds(5));
    assertThat(clock.skipped()).isGreaterThanOrEqualTo(Duration.ofDays(30).minusSeconds(5));
  }

  @Test
  void skipToThePastChangesNothing() {
    VirtualClock clock = new VirtualClock(T0);
    clock.skipTo(T0.plusSeconds(100));
    Duration skipped = clock.skipped();
    clock.skipTo(T0);
    assertThat(clock.skipped()).isEqualTo(skipped);
    assertThat(clock.now()).isAfterOrEqualTo(T0.plusSeconds(100));
  }
}
