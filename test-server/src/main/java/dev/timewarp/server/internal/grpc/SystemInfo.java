package dev.timewarp.server.internal.grpc;

import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;

/** What GetSystemInfo advertises: only capabilities Timewarp really implements. */
final class SystemInfo {
  static final String SERVER_VERSION = "1.28.0";

  static final GetSystemInfoResponse RESPONSE =
      GetSystemInfoResponse.newBuilder()
          .setServerVersion(SERVER_VERSION)
          .setCapabilities(
              GetSystemInfoResponse.Capabilities.newBuilder()
                  .setSignalAndQueryHeader(true)
                  .setInternalErrorDifferentiation(true)
                  .setActivityFailureIncludeHeartbeat(true)
                  .setEncodedFailureAttributes(true)
                  .setUpsertMemo(true)
                  .setSdkMetadata(true))
          .build();

  private SystemInfo() {}
}
