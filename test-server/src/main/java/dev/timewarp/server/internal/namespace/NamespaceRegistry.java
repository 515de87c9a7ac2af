package dev.timewarp.server.internal.namespace;

import dev.timewarp.server.internal.engine.RequestLimits;
import com.google.protobuf.Duration;
import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.EngineException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.namespace.v1.NamespaceConfig;
import io.temporal.api.namespace.v1.NamespaceInfo;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import io.temporal.api.workflowservice.v1.ListNamespacesRequest;
import io.temporal.api.workflowservice.v1.ListNamespacesResponse;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.api.workflowservice.v1.UpdateNamespaceRequest;
import io.temporal.api.workflowservice.v1.UpdateNamespaceResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Namespaces by name. {@code default} always exists. Called under the engine lock. */
public final class NamespaceRegistry {
  public static final String DEFAULT = "default";
  private static final Duration DEFAULT_RETENTION = Duration.newBuilder().setSeconds(86400).build();
  private static final int MAX_NAME_LENGTH = RequestLimits.MAX_LENGTH;

  private final Map<String, NamespaceRecord> byName = new LinkedHashMap<>();

  public NamespaceRegistry(Engine engine) {
    byName.put(DEFAULT, new NamespaceRecord(DEFAULT, "", "", DEFAULT_RETENTION));
  }

  /** The namespace a request names; INVALID_ARGUMENT if empty, NOT_FOUND if unknown. */
  public NamespaceRecord require(String name) {
    if (name.isEmpty()) {
      throw EngineException.invalidArgument("Namespace not set on request.");
    }
    NamespaceRecord record = byName.get(name);
    if (record == null) {
      throw EngineException.notFound("Namespace " + name + " is not found.");
    }
    return record;
  }

  public void register(RegisterNamespaceRequest request) {
    String name = request.getNamespace();
    if (name.isEmpty()) {
      throw EngineException.invalidArgument("Namespace not set on request.");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw EngineException.invalidArgument("Namespace length exceeds limit.");
    }
    if (byName.containsKey(name)) {
      throw new EngineException(
          EngineException.Code.ALREADY_EXISTS,
          "Namespace already exists.",
          List.of(
              io.temporal.api.errordetails.v1.NamespaceAlreadyExistsFailure.getDefaultInstance()));
    }
    Duration retention =
        request.hasWorkflowExecutionRetentionPeriod()
            ? request.getWorkflowExecutionRetentionPeriod()
            : DEFAULT_RETENTION;
    if (retention.getSeconds() < 0 || retention.getNanos() < 0) {
      throw EngineException.invalidArgument("Invalid retention period.");
    }
    NamespaceRecord record =
        new NamespaceRecord(name, request.getDescription(), request.getOwnerEmail(), retention);
    NamespaceInfo.Builder info = record.info().putAllData(request.getDataMap());
    record.update(info, record.config());
    byName.put(name, record);
  }

  public DescribeNamespaceResponse describe(DescribeNamespaceRequest request) {
    if (!request.getNamespace().isEmpty()) {
      return require(request.getNamespace()).describe();
    }
    if (request.getId().isEmpty()) {
      throw EngineException.invalidArgument("Namespace not set on request.");
    }
    return byName.values().stream()
        .filter(ns -> ns.id().equals(request.getId()))
        .findFirst()
        .orElseThrow(
            () -> EngineException.notFound("Namespace " + request.getId() + " is not found."))
        .describe();
  }

  public UpdateNamespaceResponse update(UpdateNamespaceRequest request) {
    NamespaceRecord record = require(request.getNamespace());
    NamespaceInfo.Builder info = record.info();
    NamespaceConfig.Builder config = record.config();
    if (request.hasUpdateInfo()) {
      var update = request.getUpdateInfo();
      if (!update.getDescription().isEmpty()) {
        info.setDescription(update.getDescription());
      }
      if (!update.getOwnerEmail().isEmpty()) {
        info.setOwnerEmail(update.getOwnerEmail());
      }
      info.putAllData(update.getDataMap());
    }
    if (request.hasConfig()) {
      var update = request.getConfig();
      if (update.hasWorkflowExecutionRetentionTtl()) {
        Duration ttl = update.getWorkflowExecutionRetentionTtl();
        if (ttl.getSeconds() < 0 || ttl.getNanos() < 0) {
          throw EngineException.invalidArgument("Invalid retention period.");
        }
        config.setWorkflowExecutionRetentionTtl(ttl);
      }
    }
    record.update(info, config);
    DescribeNamespaceResponse described = record.describe();
    return UpdateNamespaceResponse.newBuilder()
        .setNamespaceInfo(described.getNamespaceInfo())
        .setConfig(described.getConfig())
        .setReplicationConfig(described.getReplicationConfig())
        .setIsGlobalNamespace(false)
        .build();
  }

  public ListNamespacesResponse list(ListNamespacesRequest request) {
    int pageSize = request.getPageSize() <= 0 ? 100 : request.getPageSize();
    int offset = 0;
    if (!request.getNextPageToken().isEmpty()) {
      try {
        offset = Integer.parseInt(request.getNextPageToken().toString(StandardCharsets.UTF_8));
      } catch (NumberFormatException e) {
        throw EngineException.invalidArgument("Invalid NextPageToken.");
      }
    }
    List<NamespaceRecord> all = new ArrayList<>(byName.values());
    ListNamespacesResponse.Builder response = ListNamespacesResponse.newBuilder();
    int end = Math.min(all.size(), offset + pageSize);
    for (int i = Math.max(0, offset); i < end; i++) {
      response.addNamespaces(all.get(i).describe());
    }
    if (end < all.size()) {
      response.setNextPageToken(
          com.google.protobuf.ByteString.copyFrom(Integer.toString(end), StandardCharsets.UTF_8));
    }
    return response.build();
  }

  // ---- search attributes (OperatorService) ----------------------------------------------------

  public void addSearchAttributes(String namespace, Map<String, IndexedValueType> attributes) {
    NamespaceRecord record = require(namespace);
    if (attributes.isEmpty()) {
      throw EngineException.invalidArgument("SearchAttributes are not set on request.");
    }
    for (Map.Entry<String, IndexedValueType> entry : attributes.entrySet()) {
      if (SystemSearchAttributes.TYPES.containsKey(entry.getKey())) {
        throw EngineException.invalidArgument(
            "Search attribute " + entry.getKey() + " is reserved by system.");
      }
      if (entry.getValue() == IndexedValueType.INDEXED_VALUE_TYPE_UNSPECIFIED
          || entry.getValue() == IndexedValueType.UNRECOGNIZED) {
        throw EngineException.invalidArgument(
            "Unknown search attribute type: " + entry.getValue() + ".");
      }
      IndexedValueType existing = record.customSearchAttributes().get(entry.getKey());
      if (existing != null && existing != entry.getValue()) {
        throw EngineException.invalidArgument(
            "Search attribute "
                + entry.getKey()
                + " already exists with type "
                + existing
                + ".");
      }
    }
    record.customSearchAttributes().putAll(attributes);
  }

  public void removeSearchAttributes(String namespace, List<String> names) {
    NamespaceRecord record = require(namespace);
    for (String name : names) {
      if (!record.customSearchAttributes().containsKey(name)) {
        throw EngineException.notFound("Search attribute " + name + " doesn't exist.");
      }
    }
    names.forEach(record.customSearchAttributes()::remove);
  }
}
