package dev.timewarp.server.internal.grpc;

import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.namespace.NamespaceRecord;
import dev.timewarp.server.internal.namespace.SystemSearchAttributes;
import io.grpc.stub.StreamObserver;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.AddSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.operatorservice.v1.RemoveSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.RemoveSearchAttributesResponse;

/** temporal.api.operatorservice.v1.OperatorService: search attributes. */
public final class OperatorServiceShell extends OperatorServiceGrpc.OperatorServiceImplBase {
  private final Engine engine;

  public OperatorServiceShell(Engine engine) {
    this.engine = engine;
  }

  @Override
  public void addSearchAttributes(AddSearchAttributesRequest request, StreamObserver<AddSearchAttributesResponse> observer) {
    Calls.unary(
        engine,
        observer,
        () -> engine.namespaces().addSearchAttributes(namespace(request.getNamespace()), request.getSearchAttributesMap()),
        AddSearchAttributesResponse.getDefaultInstance());
  }

  @Override
  public void removeSearchAttributes(
      RemoveSearchAttributesRequest request, StreamObserver<RemoveSearchAttributesResponse> observer) {
    Calls.unary(
        engine,
        observer,
        () -> engine.namespaces().removeSearchAttributes(namespace(request.getNamespace()), request.getSearchAttributesList()),
        RemoveSearchAttributesResponse.getDefaultInstance());
  }

  @Override
  public void listSearchAttributes(ListSearchAttributesRequest request, StreamObserver<ListSearchAttributesResponse> observer) {
    Calls.unary(engine, observer, () -> {
      NamespaceRecord record = engine.namespaces().require(namespace(request.getNamespace()));
      return ListSearchAttributesResponse.newBuilder()
          .putAllCustomAttributes(record.customSearchAttributes())
          .putAllSystemAttributes(SystemSearchAttributes.TYPES)
          .putAllStorageSchema(java.util.Map.of())
          .build();
    });
  }

  /** The operator API allows an empty namespace to mean the default one. */
  private static String namespace(String name) {
    return name.isEmpty() ? "default" : name;
  }
}
