package dev.timewarp.server.internal.history;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The events of one run, plus the buffer that holds events arriving while a workflow task is
 * started (they are appended after that task's command events, as the real server does).
 * Called under the engine lock.
 */
public final class HistoryLog {
  /** The real server's marker for "started, but the Started event is not written yet". */
  public static final long TRANSIENT_EVENT_ID = -124;

  private static final AtomicLong TASK_IDS = new AtomicLong(1_048_576);

  private final List<HistoryEvent> events = new ArrayList<>();
  private final List<HistoryEvent.Builder> buffer = new ArrayList<>();
  private final Map<Long, Long> startedIdByScheduledId = new HashMap<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private boolean closed;

  private record Waiter(long afterEventCount, CompletableFuture<Void> signal) {}

  /** Writes an event now. Activity close events carrying {@link #TRANSIENT_EVENT_ID} as their
   * started id are wired to the Started event written just before them. */
  public HistoryEvent append(HistoryEvent.Builder event) {
    if (!event.hasEventTime()) {
      throw new IllegalStateException("event without time: " + event.getEventType());
    }
    long id = events.size() + 1L;
    event.setEventId(id).setTaskId(TASK_IDS.incrementAndGet());
    ActivityEventWiring.wireStartedId(event, startedIdByScheduledId);
    HistoryEvent built = event.build();
    events.add(built);
    if (built.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      startedIdByScheduledId.put(
          built.getActivityTaskStartedEventAttributes().getScheduledEventId(), id);
    }
    wakeWaiters();
    return built;
  }

  public void buffer(HistoryEvent.Builder event) {
    buffer.add(event);
  }

  public boolean hasBuffered() {
    return !buffer.isEmpty();
  }

  public List<HistoryEvent.Builder> buffered() {
    return Collections.unmodifiableList(buffer);
  }

  /** Removes a buffered event (a timer cancelled in the task that would have seen it fire). */
  public boolean removeBuffered(java.util.function.Predicate<HistoryEvent.Builder> which) {
    return buffer.removeIf(which);
  }

  /** Appends every buffered event in arrival order; returns how many there were. */
  public int flushBuffer() {
    int count = buffer.size();
    List<HistoryEvent.Builder> pending = new ArrayList<>(buffer);
    buffer.clear();
    pending.forEach(this::append);
    return count;
  }

  public long nextEventId() {
    return events.size() + 1L;
  }

  public int size() {
    return events.size();
  }

  public List<HistoryEvent> events() {
    return Collections.unmodifiableList(events);
  }


  public HistoryEvent last() {
    return events.get(events.size() - 1);
  }

  public boolean isClosed() {
    return closed;
  }

  /** Completes once the history holds more than {@code eventCount} events or the run closes. */
  public CompletableFuture<Void> awaitMoreThan(long eventCount) {
    CompletableFuture<Void> signal = new CompletableFuture<>();
    if (events.size() > eventCount || closed) {
      signal.complete(null);
    } else {
      waiters.add(new Waiter(eventCount, signal));
    }
    return signal;
  }

  public void markClosed() {
    closed = true;
    wakeWaiters();
  }

  private void wakeWaiters() {
    List<Waiter> due = new ArrayList<>();
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      if (closed || events.size() > waiter.afterEventCount() || waiter.signal().isDone()) {
        it.remove();
        due.add(waiter);
      }
    }
    due.forEach(waiter -> waiter.signal().complete(null));
  }
}
