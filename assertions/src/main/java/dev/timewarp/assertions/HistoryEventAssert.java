package dev.timewarp.assertions;

import static dev.timewarp.assertions.error.ShouldHaveActivityAttribute.shouldHave;

import dev.timewarp.assertions.internal.Events;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a single history event. */
public class HistoryEventAssert extends AbstractAssert<HistoryEventAssert, HistoryEvent> {
  public HistoryEventAssert(HistoryEvent actual) {
    super(actual, HistoryEventAssert.class);
  }

  private String breadcrumb() {
    return "[Event " + actual.getEventId() + " " + Events.describe(actual) + "]";
  }

  public HistoryEventAssert hasType(EventType expected) {
    isNotNull();
    if (actual.getEventType() != expected) {
      throwAssertionError(shouldHave(breadcrumb(), "the event type", Events.name(expected), Events.name(actual.getEventType())));
    }
    return myself;
  }

  public HistoryEventAssert hasEventId(long expected) {
    isNotNull();
    if (actual.getEventId() != expected) {
      throwAssertionError(shouldHave(breadcrumb(), "the event id", Long.toString(expected), Long.toString(actual.getEventId())));
    }
    return myself;
  }
}
