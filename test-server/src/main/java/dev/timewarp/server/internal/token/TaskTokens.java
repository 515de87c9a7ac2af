package dev.timewarp.server.internal.token;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.timewarp.server.internal.engine.EngineException;

/** Decodes the opaque tokens we hand to workers. */
public final class TaskTokens {
  private TaskTokens() {}

  public static TaskToken decode(ByteString bytes, TaskToken.Kind expected) {
    if (bytes.isEmpty()) {
      throw EngineException.invalidArgument("Task token not set on request.");
    }
    TaskToken token;
    try {
      token = TaskToken.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw EngineException.invalidArgument("Error deserializing task token.");
    }
    if (token.getKind() != expected) {
      throw EngineException.invalidArgument("Error deserializing task token.");
    }
    return token;
  }
}
