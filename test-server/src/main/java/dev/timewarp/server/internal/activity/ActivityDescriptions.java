package dev.timewarp.server.internal.activity;

import com.google.protobuf.ByteString;
import dev.timewarp.server.internal.engine.EngineException;
import io.temporal.api.workflowservice.v1.DescribeActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeActivityExecutionResponse;
import java.nio.charset.StandardCharsets;

/**
 * DescribeActivityExecution answers and their long-poll tokens. A token names the run and how many
 * state transitions the caller has seen; a poll with it waits for the next one.
 */
public final class ActivityDescriptions {
  private ActivityDescriptions() {}

  public static DescribeActivityExecutionResponse describe(StandaloneActivity activity, DescribeActivityExecutionRequest r) {
    DescribeActivityExecutionResponse.Builder response = DescribeActivityExecutionResponse.newBuilder()
        .setRunId(activity.runId())
        .setInfo(activity.info(r.getIncludeHeartbeatDetails(), r.getIncludeLastFailure()))
        .setLongPollToken(token(activity));
    if (r.getIncludeInput() && activity.request().hasInput()) {
      response.setInput(activity.request().getInput());
    }
    if (r.getIncludeOutcome()) {
      activity.outcome().ifPresent(response::setOutcome);
    }
    return response.build();
  }

  private static ByteString token(StandaloneActivity activity) {
    return ByteString.copyFrom(activity.runId() + "/" + activity.stateTransitions(), StandardCharsets.UTF_8);
  }

  /** The transition count a token remembers; the token must come from a describe of this run. */
  public static long seenTransitions(ByteString token, String runId) {
    String text = token.toString(StandardCharsets.UTF_8);
    int slash = text.lastIndexOf('/');
    try {
      if (slash > 0 && text.substring(0, slash).equals(runId)) {
        return Long.parseLong(text.substring(slash + 1));
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw EngineException.invalidArgument("invalid long poll token");
  }
}
