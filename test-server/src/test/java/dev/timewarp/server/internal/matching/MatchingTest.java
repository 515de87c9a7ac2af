package dev.timewarp.server.internal.matching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.server.TimeSkipping;
import dev.timewarp.server.internal.engine.Engine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Task queues without gRPC: matching, stale tasks, outages, released polls. */
class MatchingTest {
  private final Engine engine = new Engine(Instant.parse("2030-01-01T00:00:00Z"), TimeSkipping.MANUAL);
  private final Matching matching = engine.matching();
  private final TaskQueueKey queue = new TaskQueueKey("default", "q", TaskQueueKey.Type.ACTIVITY);
  private final List<String> started = new ArrayList<>();

  @AfterEach
  void close() {
    engine.close();
  }

  private QueuedTask task(String name) {
    return poller -> {
      started.add(name + "@" + poller.identity());
      return Optional.of(name);
    };
  }

  private static QueuedTask stale() {
    return poller -> Optional.empty();
  }

  private Matching.PollHandle poll(String identity) {
    return engine.call(() -> matching.poll(queue, new Poller(identity), Duration.ofMinutes(1)));
  }

  @Test
  void aWaitingPollerGetsTheNextTask() {
    Matching.PollHandle waiting = poll("w1");
    engine.run(() -> matching.offer(queue, task("t1")));
    assertThat(waiting.result()).isCompletedWithValue(Optional.of("t1"));
    assertThat(started).containsExactly("t1@w1");
  }

  @Test
  void staleTasksAreDroppedAndThePollerKeepsWaiting() {
    engine.run(() -> {
      matching.offer(queue, stale());
      matching.offer(queue, task("t2"));
    });
    assertThat(poll("w1").result()).isCompletedWithValue(Optional.of("t2"));

    Matching.PollHandle waiting = poll("w2");
    engine.run(() -> matching.offer(queue, stale()));
    assertThat(waiting.result()).isNotDone();
  }

  @Test
  void anOutageHoldsTasksAndPollsApartUntilItEnds() {
    engine.run(() -> matching.setOutage("default", "q", true));
    Matching.PollHandle waiting = poll("w1");
    engine.run(() -> matching.offer(queue, task("t1")));
    assertThat(waiting.result()).isNotDone();
    assertThat(engine.call(() -> matching.hasLivePoller(queue))).isFalse();

    engine.run(() -> matching.setOutage("default", "q", false));
    assertThat(waiting.result()).isCompletedWithValue(Optional.of("t1"));
  }

  @Test
  void releasingAWorkersPollsAnswersThemEmptyAndLeavesOthers() {
    Matching.PollHandle leaving = poll("leaving");
    Matching.PollHandle staying = poll("staying");
    engine.run(() -> matching.releasePolls("default", "leaving"));
    assertThat(leaving.result()).isCompletedWithValue(Optional.empty());
    assertThat(staying.result()).isNotDone();
  }

  @Test
  void aQueueNobodyEverPolledHasNoLivePoller() {
    engine.run(() -> matching.offer(queue, task("t1")));
    assertThat(engine.call(() -> matching.hasLivePoller(queue))).isFalse();
  }

  @Test
  void pollsAfterShutdownAreAnsweredEmptyAtOnce() {
    engine.close();
    assertThat(engine.call(() -> matching.poll(queue, new Poller("late"), Duration.ofMinutes(1))).result())
        .isCompletedWithValue(Optional.empty());
  }
}
