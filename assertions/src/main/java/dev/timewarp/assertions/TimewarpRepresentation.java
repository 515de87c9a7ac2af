package dev.timewarp.assertions;

import dev.timewarp.assertions.internal.Events;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.stream.Collectors;
import org.assertj.core.presentation.StandardRepresentation;

/**
 * Renders Temporal objects readably in every AssertJ message: events as "5 ActivityTaskScheduled
 * 'Charge' id=1", payloads as their JSON text, failures as their message. Registered through
 * {@code META-INF/services}, so it applies without any set-up.
 */
public class TimewarpRepresentation extends StandardRepresentation {
  @Override
  protected String fallbackToStringOf(Object object) {
    if (object instanceof HistoryEvent event) {
      return event.getEventId() + " " + Events.describe(event);
    }
    if (object instanceof WorkflowExecutionHistory history) {
      return "history of workflow " + history.getWorkflowExecution().getWorkflowId() + " (" + history.getEvents().size() + " events)";
    }
    if (object instanceof Payloads payloads) {
      return payloads.getPayloadsList().stream().map(TimewarpRepresentation::payload).collect(Collectors.joining(", ", "[", "]"));
    }
    if (object instanceof Payload payload) {
      return payload(payload);
    }
    if (object instanceof Failure failure) {
      return "Failure(\"" + failure.getMessage() + "\")";
    }
    return super.fallbackToStringOf(object);
  }

  private static String payload(Payload payload) {
    String encoding = payload.getMetadataOrDefault("encoding", com.google.protobuf.ByteString.EMPTY).toStringUtf8();
    return encoding.startsWith("json") ? payload.getData().toStringUtf8() : "<" + encoding + ", " + payload.getData().size() + " bytes>";
  }
}
