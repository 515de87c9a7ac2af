package dev.timewarp.junit;

import dev.timewarp.server.TimewarpServer;
import java.util.Optional;

/**
 * What the running test is connected to. Inject it to find the task queue and workflow-id prefix
 * reserved for the test, or the server itself.
 *
 * @param target {@code host:port} or {@code in-process:<name>}
 * @param namespace the namespace the test runs in
 * @param taskQueue the test's own task queue, polled by its worker
 * @param workflowIdPrefix a prefix unique to the test, for workflow ids it chooses itself
 * @param workerIdentity the identity of the test's client and worker (e.g. for {@code
 *     Faults.declareWorkerGone})
 * @param server the Timewarp server, or empty against a real Temporal cluster
 */
public record TimewarpRuntime(
    String target,
    String namespace,
    String taskQueue,
    String workflowIdPrefix,
    String workerIdentity,
    Optional<TimewarpServer> server) {

  /** Whether the tests run against a real Temporal cluster (no time control there). */
  public boolean isRealCluster() {
    return server.isEmpty();
  }
}
