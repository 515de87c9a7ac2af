package dev.timewarp.server.internal.workflow;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.timewarp.server.internal.engine.EngineException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A workflow's cron schedule as the real server reads it: five standard fields, the descriptors
 * {@code @yearly … @hourly}, {@code @every <duration>}, and an optional {@code CRON_TZ=<zone>}
 * prefix; times are UTC otherwise. Parsing is cron-utils'; the descriptors are expanded here.
 */
final class CronSchedule {
  private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final Map<String, String> DESCRIPTORS = Map.of(
      "@yearly", "0 0 1 1 *",
      "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *",
      "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");
  private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  /** The next scheduled instant strictly after a given one. */
  private final UnaryOperator<Instant> next;

  private CronSchedule(UnaryOperator<Instant> next) {
    this.next = next;
  }

  static CronSchedule parse(String schedule) {
    try {
      String spec = schedule.trim();
      ZoneId zone = ZoneOffset.UTC;
      if (spec.startsWith("CRON_TZ=") || spec.startsWith("TZ=")) {
        int space = spec.indexOf(' ');
        zone = ZoneId.of(spec.substring(spec.indexOf('=') + 1, space));
        spec = spec.substring(space + 1).trim();
      }
      if (spec.startsWith("@every ")) {
        Duration delay = goDuration(spec.substring("@every ".length()).trim());
        if (delay.compareTo(Duration.ofSeconds(1)) < 0) {
          delay = Duration.ofSeconds(1); // as the real scheduler rounds up
        }
        Duration every = delay;
        return new CronSchedule(after -> after.plus(every).minusNanos(after.getNano()));
      }
      ExecutionTime times = ExecutionTime.forCron(PARSER.parse(DESCRIPTORS.getOrDefault(spec, spec)));
      ZoneId in = zone;
      return new CronSchedule(after -> times.nextExecution(ZonedDateTime.ofInstant(after, in))
          .orElseThrow(() -> new IllegalArgumentException("no next time"))
          .toInstant());
    } catch (RuntimeException e) {
      throw EngineException.invalidArgument("Invalid CronSchedule.");
    }
  }

  /**
   * How long the next run waits: until the first scheduled time after the current run's
   * scheduled start that is not before {@code now} (missed times are skipped, not caught up).
   */
  Duration backoff(Instant scheduledStart, Instant now) {
    Instant due = next.apply(scheduledStart);
    while (due.isBefore(now)) {
      due = next.apply(due);
    }
    return Duration.between(now, due);
  }

  private static Duration goDuration(String text) {
    Matcher part = GO_DURATION_PART.matcher(text);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (part.find() && part.start() == end) {
      long unit = switch (part.group(2)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unit)));
      end = part.end();
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    return Duration.ofNanos(nanos.longValueExact());
  }
}
