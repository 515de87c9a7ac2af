package dev.timewarp.assertions.internal;

import io.temporal.api.history.v1.HistoryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** A compact history in virtual time, for failure messages: "+1d 00h00m00.000s  6 TimerFired ...". */
public final class Timeline {
  private Timeline() {}

  public static String of(List<HistoryEvent> events) {
    if (events.isEmpty()) {
      return "  (no events)";
    }
    Instant start = time(events.get(0));
    StringBuilder out = new StringBuilder();
    for (HistoryEvent event : events) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(String.format(Locale.ROOT, "  %18s %4d  %s", offset(start, time(event)), event.getEventId(), Events.describe(event)));
    }
    return out.toString();
  }

  public static Instant time(HistoryEvent event) {
    return Instant.ofEpochSecond(event.getEventTime().getSeconds(), event.getEventTime().getNanos());
  }

  /** "+0.012s", "+5m03.000s", "+1h02m03.004s", "+7d 00h00m01.000s". */
  public static String offset(Instant start, Instant at) {
    return "+" + duration(Duration.between(start, at).isNegative() ? Duration.ZERO : Duration.between(start, at));
  }

  public static String duration(Duration d) {
    long days = d.toDays();
    double seconds = d.toSecondsPart() + d.toMillisPart() / 1000.0;
    if (days > 0) {
      return String.format(Locale.ROOT, "%dd %02dh%02dm%06.3fs", days, d.toHoursPart(), d.toMinutesPart(), seconds);
    }
    if (d.toHoursPart() > 0) {
      return String.format(Locale.ROOT, "%dh%02dm%06.3fs", d.toHoursPart(), d.toMinutesPart(), seconds);
    }
    if (d.toMinutesPart() > 0) {
      return String.format(Locale.ROOT, "%dm%06.3fs", d.toMinutesPart(), seconds);
    }
    return String.format(Locale.ROOT, "%.3fs", seconds);
  }
}
