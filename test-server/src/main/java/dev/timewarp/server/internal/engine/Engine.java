package dev.timewarp.server.internal.engine;

import dev.timewarp.server.TimeSkipping;
import dev.timewarp.server.internal.matching.Matching;
import dev.timewarp.server.internal.namespace.NamespaceRegistry;
import dev.timewarp.server.internal.time.DeadlineQueue;
import dev.timewarp.server.internal.time.VirtualClock;
import dev.timewarp.server.internal.workflow.Workflows;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer. Every state change happens under {@link #lock}; deadlines fire on the time
 * driver thread under the same lock; long polls are futures completed here and answered on
 * {@link #delivery()} outside the lock.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  /** While busy only because of pollers' recency, re-check this often (wall time). */
  private static final long BUSY_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final VirtualClock clock;
  private final DeadlineQueue deadlines = new DeadlineQueue();
  private final TimeSkipping mode;
  private final NamespaceRegistry namespaces;
  private final Matching matching;
  private final Workflows workflows;
  private final FaultPlan faults = new FaultPlan();
  private final dev.timewarp.server.internal.activity.StandaloneActivities standalone;
  private final ExecutorService delivery;
  private final ScheduledExecutorService wallTimers;
  private final Thread driver;
  private int clientLocks;
  private boolean closed;

  public Engine(Instant initialTime, TimeSkipping mode) {
    this.clock = new VirtualClock(initialTime);
    this.mode = mode;
    this.clientLocks = mode == TimeSkipping.LOCKED ? 1 : 0;
    this.namespaces = new NamespaceRegistry(this);
    this.matching = new Matching(this);
    this.workflows = new Workflows(this);
    this.standalone = new dev.timewarp.server.internal.activity.StandaloneActivities(this);
    this.delivery =
        Executors.newCachedThreadPool(daemonThreads("timewarp-delivery"));
    this.wallTimers =
        Executors.newSingleThreadScheduledExecutor(daemonThreads("timewarp-long-polls"));
    this.driver = daemonThreads("timewarp-time-driver").newThread(this::driveTime);
    this.driver.start();
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  // ---- access ---------------------------------------------------------------------------------

  /** Runs {@code operation} as the single writer and wakes anything waiting for a change. */
  public <T> T call(Supplier<T> operation) {
    lock.lock();
    try {
      return operation.get();
    } finally {
      changed.signalAll();
      lock.unlock();
    }
  }

  public void run(Runnable operation) {
    call(
        () -> {
          operation.run();
          return null;
        });
  }


  public Instant now() {
    return clock.now();
  }

  public DeadlineQueue deadlines() {
    return deadlines;
  }

  public NamespaceRegistry namespaces() {
    return namespaces;
  }

  public Matching matching() {
    return matching;
  }

  public Workflows workflows() {
    return workflows;
  }

  public dev.timewarp.server.internal.activity.StandaloneActivities standaloneActivities() {
    return standalone;
  }

  public FaultPlan faults() {
    return faults;
  }

  /** Executor for answering long polls and other I/O outside the lock. */
  public ExecutorService delivery() {
    return delivery;
  }

  /** Wall-clock timers (long-poll expiry); their tasks must take the lock themselves. */
  public ScheduledExecutorService wallTimers() {
    return wallTimers;
  }

  public TimeSkipping mode() {
    return mode;
  }

  /** Whether the server is shutting down; new long polls are answered empty at once. */
  public boolean isClosed() {
    return closed;
  }

  // ---- client locks ---------------------------------------------------------------------------

  public void lockTimeSkipping() {
    run(() -> clientLocks++);
  }

  /** Releases one client lock; refuses (changing nothing) when none is held. */
  public void unlockTimeSkipping() {
    run(
        () -> {
          if (clientLocks == 0) {
            throw EngineException.failedPrecondition(
                "Time skipping is not locked: UnlockTimeSkipping was called more often than"
                    + " LockTimeSkipping.");
          }
          clientLocks--;
        });
  }

  // ---- busy or idle ---------------------------------------------------------------------------

  /** Why the server is busy right now; empty when idle. Derived from state each time. */
  public List<InFlight> inFlight() {
    lock.lock();
    try {
      List<InFlight> reasons = new ArrayList<>();
      if (clientLocks > 0) {
        reasons.add(
            new InFlight(
                InFlight.Kind.CLIENT_LOCK,
                clientLocks + " time-skipping lock(s) held by clients"));
      }
      workflows.describeInFlight(reasons);
      standalone.describeInFlight(reasons);
      return reasons;
    } finally {
      lock.unlock();
    }
  }

  private boolean autoSkipAllowed() {
    return mode != TimeSkipping.MANUAL && clientLocks == 0;
  }

  // ---- the time driver ------------------------------------------------------------------------

  private void fireDue() {
    while (true) {
      try {
        if (!deadlines.fireNextDue(clock.now())) {
          return;
        }
      } catch (RuntimeException e) {
        log.error("A deadline action failed; the engine carries on", e);
      }
    }
  }

  private void driveTime() {
    lock.lock();
    try {
      while (!closed) {
        fireDue();
        if (workflows.skipIdleExecutions()) {
          continue; // an execution skipping time by itself jumped ahead: its deadlines are due now
        }
        Optional<Instant> next = deadlines.peek().map(d -> d.at());
        boolean skippable = next.isPresent() && autoSkipAllowed();
        if (skippable && inFlight().isEmpty()) {
          clock.skipTo(next.get());
          changed.signalAll();
          continue;
        }
        long waitNanos =
            next.map(at -> Duration.between(clock.now(), at).toNanos()).orElse(Long.MAX_VALUE);
        if (skippable) {
          // busy may lapse with wall time alone (a poller goes quiet), so look again soon
          waitNanos = Math.min(waitNanos, BUSY_RECHECK_NANOS);
        }
        if (waitNanos > 0) {
          changed.awaitNanos(waitNanos);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  // ---- explicit time control ------------------------------------------------------------------

  /** Lets pending work settle, then moves time forward by exactly {@code duration} from there. */
  public void advanceBy(Duration duration, Duration settleLimit) {
    lock.lock();
    try {
      awaitSettled(settleLimit);
      advanceTo(clock.now().plus(duration), settleLimit);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves time to {@code target}, firing every deadline on the way in order, letting the
   * consequences of each settle (workers answer the workflow tasks it caused) before the next.
   */
  public void advanceTo(Instant target, Duration settleLimit) {
    lock.lock();
    try {
      while (true) {
        awaitSettled(settleLimit);
        Optional<Instant> next = deadlines.peek().map(d -> d.at());
        if (next.isPresent() && !next.get().isAfter(target)) {
          clock.skipTo(next.get());
          fireDue();
          changed.signalAll();
          continue;
        }
        clock.skipTo(target);
        fireDue();
        changed.signalAll();
        awaitSettled(settleLimit);
        return;
      }
    } finally {
      lock.unlock();
    }
  }

  private void awaitSettled(Duration limit) {
    long remaining = limit.toNanos();
    try {
      while (remaining > 0 && inFlight().stream().anyMatch(InFlight::settlesSoon)) {
        remaining = changed.awaitNanos(Math.min(remaining, BUSY_RECHECK_NANOS));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until nothing but client locks is in flight.
   *
   * @return the reasons still in flight when the wall-time limit ran out (empty if idle)
   */
  public List<InFlight> awaitIdle(Duration limit) {
    lock.lock();
    try {
      long remaining = limit.toNanos();
      while (true) {
        List<InFlight> reasons = new ArrayList<>(inFlight());
        reasons.removeIf(r -> r.kind() == InFlight.Kind.CLIENT_LOCK);
        if (reasons.isEmpty() || remaining <= 0) {
          return reasons;
        }
        remaining = changed.awaitNanos(Math.min(remaining, BUSY_RECHECK_NANOS));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return inFlight();
    } finally {
      lock.unlock();
    }
  }

  /** Blocks until virtual time reaches {@code target} (by skipping or by waiting). */
  public void awaitTime(Instant target, Duration limit) throws InterruptedException {
    lock.lock();
    try {
      long remaining = limit.toNanos();
      while (clock.now().isBefore(target)) {
        if (remaining <= 0) {
          throw new EngineException(
              EngineException.Code.DEADLINE_EXCEEDED,
              "virtual time did not reach " + target + " in time",
              List.of());
        }
        long untilTarget = Duration.between(clock.now(), target).toNanos();
        remaining = changed.awaitNanos(Math.min(remaining, Math.min(untilTarget, BUSY_RECHECK_NANOS)));
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * A deadline that only exists to make time reach {@code target} (a client sleeping on the
   * server). It counts as a live deadline, so an idle server skips straight to it.
   */
  public dev.timewarp.server.internal.time.Deadline wakeUpAt(Instant target, String why) {
    return call(() -> deadlines.schedule(target, why, () -> {}));
  }

  @Override
  public void close() {
    run(
        () -> {
          closed = true;
          matching.closeAll();
          workflows.closeAll();
        });
    driver.interrupt();
    wallTimers.shutdownNow();
    delivery.shutdown();
    try {
      driver.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
