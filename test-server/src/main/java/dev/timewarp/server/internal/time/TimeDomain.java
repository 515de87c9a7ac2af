package dev.timewarp.server.internal.time;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A clock that runs at the server's pace but may have skipped ahead of it: one workflow
 * execution's own virtual time (the real server's per-workflow time skipping). Its deadlines live
 * in the server's queue at server time; skipping ahead brings every one of them forward by as much.
 */
public final class TimeDomain {
  private final Supplier<Instant> serverNow;
  private final DeadlineQueue deadlines;
  private final List<Deadline> scheduled = new ArrayList<>();
  private Duration skipped;
  /** Fired or cancelled deadlines are dropped from the list once it grows past this. */
  private int pruneAt = 16;

  public TimeDomain(Supplier<Instant> serverNow, DeadlineQueue deadlines, Duration initiallySkipped) {
    this.serverNow = serverNow;
    this.deadlines = deadlines;
    this.skipped = initiallySkipped;
  }

  public Instant now() {
    return serverNow.get().plus(skipped);
  }

  /** How far this domain is ahead of the server's clock. */
  public Duration skipped() {
    return skipped;
  }

  /** Schedules {@code action} at {@code at} in this domain's time. */
  public Deadline schedule(Instant at, long rank, String description, Runnable action) {
    if (scheduled.size() >= pruneAt) {
      // every schedule of every workflow comes here: prune in amortised constant time, not each call
      scheduled.removeIf(d -> !d.isPending());
      pruneAt = Math.max(16, 2 * scheduled.size());
    }
    Deadline deadline = deadlines.schedule(at.minus(skipped), rank, description, action);
    scheduled.add(deadline);
    return deadline;
  }

  public Deadline schedule(Instant at, String description, Runnable action) {
    return schedule(at, 0, description, action);
  }

  /** The earliest pending deadline of this domain, in its own time. */
  public Optional<Instant> nextDeadline() {
    return scheduled.stream().filter(Deadline::isPending).map(Deadline::at).min(Instant::compareTo).map(at -> at.plus(skipped));
  }

  /** Jumps this domain ahead by {@code by}; its deadlines come due that much sooner. */
  public void skip(Duration by) {
    if (by.isNegative() || by.isZero()) {
      return;
    }
    skipped = skipped.plus(by);
    scheduled.removeIf(d -> !d.isPending());
    scheduled.forEach(d -> deadlines.shiftEarlier(d, by));
  }
}
