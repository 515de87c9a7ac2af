package dev.timewarp.server.internal.namespace;

import com.google.protobuf.Duration;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.enums.v1.NamespaceState;
import io.temporal.api.namespace.v1.NamespaceConfig;
import io.temporal.api.namespace.v1.NamespaceInfo;
import io.temporal.api.replication.v1.NamespaceReplicationConfig;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** One registered namespace: its description, configuration and custom search attributes. */
public final class NamespaceRecord {
  private final String id = UUID.randomUUID().toString();
  private final String name;
  private NamespaceInfo.Builder info;
  private NamespaceConfig.Builder config;
  private final Map<String, IndexedValueType> customSearchAttributes = new LinkedHashMap<>();

  NamespaceRecord(String name, String description, String ownerEmail, Duration retention) {
    this.name = name;
    this.info =
        NamespaceInfo.newBuilder()
            .setName(name)
            .setId(id)
            .setState(NamespaceState.NAMESPACE_STATE_REGISTERED)
            .setDescription(description)
            .setOwnerEmail(ownerEmail)
            .setCapabilities(
                NamespaceInfo.Capabilities.newBuilder()
                    .setEagerWorkflowStart(false)
                    .setSyncUpdate(true)
                    .setAsyncUpdate(true));
    this.config = NamespaceConfig.newBuilder().setWorkflowExecutionRetentionTtl(retention);
    // the same convenience attributes the incumbent and the dev server offer out of the box
    customSearchAttributes.put("CustomKeywordField", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    customSearchAttributes.put("CustomStringField", IndexedValueType.INDEXED_VALUE_TYPE_TEXT);
    customSearchAttributes.put("CustomTextField", IndexedValueType.INDEXED_VALUE_TYPE_TEXT);
    customSearchAttributes.put("CustomIntField", IndexedValueType.INDEXED_VALUE_TYPE_INT);
    customSearchAttributes.put("CustomDatetimeField", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME);
    customSearchAttributes.put("CustomDoubleField", IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE);
    customSearchAttributes.put("CustomBoolField", IndexedValueType.INDEXED_VALUE_TYPE_BOOL);
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  /** Refuses search attributes this namespace has no mapping for, as the real frontend does. */
  public void validateSearchAttributes(io.temporal.api.common.v1.SearchAttributes attributes) {
    for (String attribute : attributes.getIndexedFieldsMap().keySet()) {
      if (!customSearchAttributes.containsKey(attribute)) {
        throw dev.timewarp.server.internal.engine.EngineException.invalidArgument(
            "Namespace " + name + " has no mapping defined for search attribute " + attribute);
      }
    }
  }

  public Map<String, IndexedValueType> customSearchAttributes() {
    return customSearchAttributes;
  }

  void update(NamespaceInfo.Builder newInfo, NamespaceConfig.Builder newConfig) {
    this.info = newInfo;
    this.config = newConfig;
  }

  NamespaceInfo.Builder info() {
    return info.clone();
  }

  NamespaceConfig.Builder config() {
    return config.clone();
  }

  public DescribeNamespaceResponse describe() {
    return DescribeNamespaceResponse.newBuilder()
        .setNamespaceInfo(info)
        .setConfig(config)
        .setReplicationConfig(
            NamespaceReplicationConfig.newBuilder().setActiveClusterName("active"))
        .setIsGlobalNamespace(false)
        .build();
  }
}
