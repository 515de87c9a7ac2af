package dev.timewarp.benchmarks;

import dev.timewarp.server.TimewarpServer;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.util.function.Supplier;

/** The two contestants, each brought up in process with time skipping on. */
enum Servers {
  TIMEWARP {
    @Override
    Environment open(String taskQueue) {
      TimewarpServer server = TimewarpServer.start();
      WorkflowServiceStubs stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setChannel(server.channel()).build());
      WorkflowClient client = WorkflowClient.newInstance(stubs);
      WorkerFactory factory = WorkerFactory.newInstance(client);
      Worker worker = factory.newWorker(taskQueue);
      return new Environment() {
        public WorkflowClient client() {
          return client;
        }

        public Worker worker() {
          return worker;
        }

        public void start() {
          factory.start();
        }

        public void close() {
          factory.shutdownNow();
          stubs.shutdownNow();
          server.close();
        }
      };
    }
  },
  INCUMBENT {
    @Override
    Environment open(String taskQueue) {
      TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
      Worker worker = env.newWorker(taskQueue);
      return new Environment() {
        public WorkflowClient client() {
          return env.getWorkflowClient();
        }

        public Worker worker() {
          return worker;
        }

        public void start() {
          env.start();
        }

        public void close() {
          env.close();
        }
      };
    }
  };

  abstract Environment open(String taskQueue);

  Supplier<Environment> supplier(String taskQueue) {
    return () -> open(taskQueue);
  }
}
