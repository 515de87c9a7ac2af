package dev.timewarp.server.internal.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadlineQueueTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private final DeadlineQueue queue = new DeadlineQueue();
  private final List<String> fired = new ArrayList<>();

  @Test
  void firesByInstantThenByCreationOrder() {
    queue.schedule(T0.plusSeconds(2), "late", () -> fired.add("late"));
    queue.schedule(T0.plusSeconds(1), "first of a tie", () -> fired.add("tie-1"));
    queue.schedule(T0.plusSeconds(1), "second of a tie", () -> fired.add("tie-2"));

    while (queue.fireNextDue(T0.plusSeconds(5))) {}

    assertThat(fired).containsExactly("tie-1", "tie-2", "late");
  }

  @Test
  void fireNextDueLeavesFutureDeadlinesAlone() {
    queue.schedule(T0.plusSeconds(10), "future", () -> fired.add("future"));

    assertThat(queue.fireNextDue(T0.plusSeconds(9))).isFalse();
    assertThat(fired).isEmpty();
    assertThat(queue.peek()).map(Deadline::at).contains(T0.plusSeconds(10));
  }

  @Test
  void cancelledDeadlinesAreRemovedSoTimeNeverJumpsToThem() {
    Deadline dead = queue.schedule(T0.plusSeconds(1), "cancelled", () -> fired.add("dead"));
    queue.schedule(T0.plusSeconds(5), "live", () -> fired.add("live"));

    dead.cancel();
    dead.cancel(); // harmless twice

    assertThat(queue.peek()).map(Deadline::at).contains(T0.plusSeconds(5));
    assertThat(queue.size()).isEqualTo(1);
    while (queue.fireNextDue(T0.plusSeconds(10))) {}
    assertThat(fired).containsExactly("live");
    assertThat(dead.isPending()).isFalse();
  }

  @Test
  void aDeadlineFiresOnlyOnce() {
    Deadline once = queue.schedule(T0, "once", () -> fired.add("once"));
    queue.fireNextDue(T0);
    once.cancel();
    assertThat(fired).containsExactly("once");
    assertThat(queue.fireNextDue(T0)).isFalse();
  }
}
