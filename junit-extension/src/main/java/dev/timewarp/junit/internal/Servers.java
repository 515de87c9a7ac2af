package dev.timewarp.junit.internal;

import dev.timewarp.junit.ServerScope;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Finds or starts the server a context runs against; every handle is owned and closed by a store. */
public final class Servers {
  public static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create("dev.timewarp.junit");
  private static final String CURRENT = "server";

  private Servers() {}

  /** Starts the class's server (or attaches it to the suite's), unless an enclosing class has one. */
  public static void forClass(ExtensionContext context, ExtensionConfig config) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    if (store.get(CURRENT, ServerRef.class) != null) {
      return; // a @Nested class runs on its enclosing class's server
    }
    ServerScope scope = config.scope().orElse(ServerScope.PER_CLASS);
    Optional<Instant> initialTime = InitialTimes.forClass(context).or(config::initialTime);
    switch (scope) {
      case PER_CLASS -> store.put(CURRENT, new ServerRef(own(store, config, initialTime)));
      case SUITE -> {
        ExtensionContext.Store root = context.getRoot().getStore(NAMESPACE);
        String key = "suite:" + config.timeSkipping() + ":" + initialTime + ":" + config.namespace();
        ServerHandle shared = root.getOrComputeIfAbsent(key, k -> start(config, initialTime), ServerHandle.class);
        store.put(CURRENT, new ServerRef(shared));
      }
      case PER_TEST -> {}
    }
  }

  /** The server a test runs on, and who closes it. */
  public record ForTest(ServerHandle handle, Ownership ownership) {}

  /** Who closes a server. */
  public enum Ownership {
    /** Started for this one test; the test's scope closes it after its worker. */
    TEST,
    /** A class's or the suite's; a store closes it. */
    SHARED
  }

  /** The server for a test: its own if it asks for one, else its class's, else a fresh one. */
  public static ForTest forTest(ExtensionContext context, ExtensionConfig config) {
    Optional<Instant> ownTime = InitialTimes.forMethod(context);
    ServerRef inherited = context.getStore(NAMESPACE).get(CURRENT, ServerRef.class);
    if (ownTime.isEmpty() && inherited != null) {
      return new ForTest(inherited.handle(), Ownership.SHARED);
    }
    return new ForTest(start(config, ownTime.or(() -> InitialTimes.forClass(context)).or(config::initialTime)), Ownership.TEST);
  }

  /** The class's server, for @BeforeAll/@AfterAll parameters. */
  public static Optional<ServerHandle> forClass(ExtensionContext context) {
    return Optional.ofNullable(context.getStore(NAMESPACE).get(CURRENT, ServerRef.class)).map(ServerRef::handle);
  }

  private static ServerHandle own(ExtensionContext.Store store, ExtensionConfig config, Optional<Instant> initialTime) {
    ServerHandle handle = start(config, initialTime);
    store.put("handle:" + UUID.randomUUID(), handle); // closed with the context that owns it
    return handle;
  }

  private static ServerHandle start(ExtensionConfig config, Optional<Instant> initialTime) {
    return ClusterTarget.fromEnvironment()
        .map(ServerHandle::connect)
        .orElseGet(() -> ServerHandle.start(initialTime, config.timeSkipping(), config.namespace()));
  }

  /** The namespace tests run in: the cluster's, if one is named, else the configured one. */
  public static String namespace(ExtensionConfig config) {
    return ClusterTarget.fromEnvironment().flatMap(ClusterTarget::namespace).orElse(config.namespace());
  }
}
