package dev.timewarp.benchmarks;

import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;

/** One server under test, with a client and a worker, created and torn down per measurement. */
interface Environment extends AutoCloseable {
  WorkflowClient client();

  Worker worker();

  /** Starts the workers after registration. */
  void start();

  @Override
  void close();
}
