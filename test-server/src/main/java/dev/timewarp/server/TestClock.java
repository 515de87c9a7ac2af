package dev.timewarp.server;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The server's virtual clock, as a test sees and drives it. */
public interface TestClock {
  /** Current virtual time. */
  Instant now();

  /**
   * Lets pending work settle (workflow tasks answered, just-started activities given a moment to
   * finish), then moves time forward by {@code duration}, firing everything due on the way in
   * order, and returns once the consequences have settled in the same way.
   */
  void advance(Duration duration);

  /** Like {@link #advance} up to an instant; does nothing if it is not in the future. */
  void advanceTo(Instant instant);

  /**
   * Waits until nothing is in flight (client locks aside).
   *
   * @throws NotIdleException naming what is still in flight when {@code realTimeLimit} runs out
   */
  void awaitIdle(Duration realTimeLimit);

  /** Holds time at wall-clock pace until the returned lock is closed. */
  TimeLock lock();

  TimeSkipping mode();

  /** Why the server is busy right now ("activity Charge attempt 2 running on worker w-1 for 4.2 s"). */
  List<String> busyReasons();
}
