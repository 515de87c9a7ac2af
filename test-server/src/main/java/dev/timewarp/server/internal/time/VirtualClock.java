package dev.timewarp.server.internal.time;

import java.time.Duration;
import java.time.Instant;

/**
 * The server's one clock: {@code now = base + wall time elapsed + skipped}. Skipped time only grows,
 * so virtual time never goes backwards and runs at wall pace between skips.
 */
public final class VirtualClock {
  private final Instant base;
  private final long baseNanos;
  private volatile long skippedNanos;

  public VirtualClock(Instant base) {
    this.base = base;
    this.baseNanos = System.nanoTime();
  }

  public Instant now() {
    return base.plusNanos(System.nanoTime() - baseNanos + skippedNanos);
  }

  /** Jumps forward to {@code target}; does nothing if it is not in the future. */
  public synchronized void skipTo(Instant target) {
    Duration ahead = Duration.between(now(), target);
    if (!ahead.isNegative() && !ahead.isZero()) {
      skippedNanos += ahead.toNanos();
    }
  }

  public Duration skipped() {
    return Duration.ofNanos(skippedNanos);
  }
}
