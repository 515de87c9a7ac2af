package dev.timewarp.junit.internal;

import dev.timewarp.server.TestClock;
import dev.timewarp.server.TimeLock;

/**
 * Holds a server's time at wall pace while a test thread works, and lets it skip while the test
 * waits on the server (a result, a query, an update), so assertions between steps see a stable clock.
 */
final class TimeHold {
  private final TestClock clock;
  private TimeLock lock;
  private int holders;
  private int waits;

  TimeHold(TestClock clock) {
    this.clock = clock;
  }

  synchronized void hold() {
    holders++;
    update();
  }

  synchronized void release() {
    holders--;
    update();
  }

  synchronized void waitBegins() {
    waits++;
    update();
  }

  synchronized void waitEnds() {
    waits--;
    update();
  }

  private void update() {
    boolean wanted = holders > 0 && waits == 0;
    if (wanted && lock == null) {
      lock = clock.lock();
    } else if (!wanted && lock != null) {
      lock.close();
      lock = null;
    }
  }
}
