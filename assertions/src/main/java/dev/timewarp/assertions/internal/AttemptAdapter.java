package dev.timewarp.assertions.internal;

import io.temporal.api.failure.v1.Failure;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads attempt records by their record components, so the assertions can use Timewarp's
 * {@code AttemptRecord}s without depending on the server.
 */
public final class AttemptAdapter {
  private AttemptAdapter() {}

  /** One attempt as the assertions see it. */
  public record Attempt(int number, Instant scheduledTime, Optional<Instant> closedTime, String outcome, Optional<Failure> failure) {}

  public static List<Attempt> read(List<?> records) {
    List<Attempt> attempts = new ArrayList<>();
    for (Object record : records) {
      if (!(record instanceof Record)) {
        throw new IllegalArgumentException("expected attempt records (e.g. Timewarp's AttemptRecord), got " + record.getClass().getName());
      }
      attempts.add(new Attempt(
          (Integer) component(record, "number"),
          (Instant) component(record, "scheduledTime"),
          optional(component(record, "closedTime"), Instant.class),
          String.valueOf(component(record, "outcome")),
          optional(component(record, "failure"), Failure.class)));
    }
    return attempts;
  }

  private static Object component(Object record, String name) {
    for (RecordComponent component : record.getClass().getRecordComponents()) {
      if (component.getName().equals(name)) {
        try {
          component.getAccessor().setAccessible(true);
          return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
          throw new IllegalArgumentException("cannot read " + name + " of " + record, e);
        }
      }
    }
    throw new IllegalArgumentException(record.getClass().getSimpleName() + " has no '" + name + "' component");
  }

  private static <T> Optional<T> optional(Object value, Class<T> type) {
    return value instanceof Optional<?> o ? o.map(type::cast) : Optional.ofNullable(type.cast(value));
  }
}
