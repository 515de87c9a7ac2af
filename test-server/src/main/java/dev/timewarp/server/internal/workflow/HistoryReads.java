package dev.timewarp.server.internal.workflow;

import com.google.protobuf.ByteString;
import dev.timewarp.server.internal.engine.EngineException;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * GetWorkflowExecutionHistory: pages of events, and long polls that wait for new events or for
 * the close event. Page tokens carry the next event id to return.
 */
public final class HistoryReads {
  static final int DEFAULT_PAGE_SIZE = 1000;

  private HistoryReads() {}

  /** Either an answer now, or a signal to try again when the history changes. */
  public record Read(Optional<GetWorkflowExecutionHistoryResponse> answer, CompletableFuture<Void> changed) {}

  public static Read read(Workflows workflows, GetWorkflowExecutionHistoryRequest r) {
    WorkflowRun run = workflows.find(r.getNamespace(), r.getExecution());
    long from = decode(r.getNextPageToken());
    List<HistoryEvent> events = run.history().events();
    if (r.getHistoryEventFilterType() == HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT) {
      if (!run.isOpen()) {
        return answer(GetWorkflowExecutionHistoryResponse.newBuilder()
            .setHistory(History.newBuilder().addEvents(run.history().last()))
            .build());
      }
      if (!r.getWaitNewEvent()) {
        return answer(GetWorkflowExecutionHistoryResponse.getDefaultInstance());
      }
      return waitFor(run, run.history().size());
    }
    if (from > events.size() + 1L) {
      throw EngineException.invalidArgument("Invalid NextPageToken.");
    }
    if (from > events.size() && r.getWaitNewEvent() && run.isOpen()) {
      return waitFor(run, events.size());
    }
    int pageSize = r.getMaximumPageSize() <= 0 ? DEFAULT_PAGE_SIZE : r.getMaximumPageSize();
    int start = (int) from - 1;
    int end = Math.min(events.size(), start + pageSize);
    GetWorkflowExecutionHistoryResponse.Builder response =
        GetWorkflowExecutionHistoryResponse.newBuilder()
            .setHistory(History.newBuilder().addAllEvents(events.subList(start, end)));
    boolean more = end < events.size() || (r.getWaitNewEvent() && run.isOpen());
    if (more) {
      response.setNextPageToken(encode(end + 1L));
    }
    return answer(response.build());
  }

  /** The answer for a long poll that waited in vain: no events, and a token to poll again. */
  public static GetWorkflowExecutionHistoryResponse nothingNew(GetWorkflowExecutionHistoryRequest r) {
    ByteString token = r.getNextPageToken().isEmpty() ? encode(1) : r.getNextPageToken();
    return GetWorkflowExecutionHistoryResponse.newBuilder().setNextPageToken(token).build();
  }

  private static Read answer(GetWorkflowExecutionHistoryResponse response) {
    return new Read(Optional.of(response), CompletableFuture.completedFuture(null));
  }

  private static Read waitFor(WorkflowRun run, long eventCount) {
    return new Read(Optional.empty(), run.history().awaitMoreThan(eventCount));
  }

  private static long decode(ByteString token) {
    if (token.isEmpty()) {
      return 1;
    }
    if (token.size() != Long.BYTES) {
      throw EngineException.invalidArgument("Invalid NextPageToken.");
    }
    long id = token.asReadOnlyByteBuffer().getLong();
    if (id < 1) {
      throw EngineException.invalidArgument("Invalid NextPageToken.");
    }
    return id;
  }

  private static ByteString encode(long nextEventId) {
    return ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).putLong(nextEventId).array());
  }
}
