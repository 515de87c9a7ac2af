package dev.timewarp.server.cli;

import dev.timewarp.server.ServerOptions;
import dev.timewarp.server.TimeSkipping;
import dev.timewarp.server.TimewarpServer;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The standalone server. Accepts the form SDK test launchers use, {@code <port>
 * [--enable-time-skipping]} (without the flag, time skipping starts locked, as they expect),
 * plus named options.
 */
@Command(
    name = "timewarp-test-server",
    mixinStandardHelpOptions = true,
    versionProvider = TimewarpServerMain.Version.class,
    description = "A time-skipping, in-memory server speaking Temporal's gRPC API.")
public final class TimewarpServerMain implements Callable<Integer> {
  static final int DEFAULT_PORT = 7233;

  @Parameters(index = "0", arity = "0..1", paramLabel = "PORT", description = "Port to listen on (SDK launcher form).")
  Integer positionalPort;

  @Option(names = "--enable-time-skipping", description = "Start with time skipping unlocked (SDK launcher form).")
  boolean enableTimeSkipping;

  @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default ${DEFAULT-VALUE}).", defaultValue = "7233")
  int port;

  @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to bind (default ${DEFAULT-VALUE}).", defaultValue = ServerOptions.DEFAULT_BIND_ADDRESS)
  String bind;

  @Option(names = "--time-skipping", paramLabel = "MODE", description = "auto, locked or manual.")
  TimeSkipping timeSkipping;

  @Option(names = "--initial-time", paramLabel = "INSTANT", description = "Start the virtual clock here, e.g. 2030-01-01T00:00:00Z.")
  Instant initialTime;

  /** Parses arguments into the same options type the builder makes. */
  ServerOptions options() {
    ServerOptions.Builder builder =
        ServerOptions.builder()
            .port(positionalPort != null ? positionalPort : port)
            .bindAddress(bind)
            .timeSkipping(mode());
    if (initialTime != null) {
      builder.initialTime(initialTime);
    }
    return builder.build();
  }

  private TimeSkipping mode() {
    if (timeSkipping != null) {
      return timeSkipping;
    }
    if (enableTimeSkipping) {
      return TimeSkipping.AUTO;
    }
    // SDK launchers pass only a port and expect time skipping to start locked
    return positionalPort != null ? TimeSkipping.LOCKED : TimeSkipping.AUTO;
  }

  @Override
  public Integer call() throws Exception {
    ServerOptions options = options();
    TimewarpServer server = TimewarpServer.start(options);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "timewarp-shutdown"));
    System.out.println("Timewarp test server listening on " + server.target() + " (time skipping " + options.timeSkipping() + ")");
    System.out.flush();
    server.awaitTermination();
    return 0;
  }

  /** The parser, configured as the launcher uses it. */
  static CommandLine commandLine() {
    return new CommandLine(new TimewarpServerMain()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  public static void main(String[] args) {
    // quiet by default; -Dorg.slf4j.simpleLogger.defaultLogLevel=debug overrides
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    int exit = commandLine().execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /** Reports the jar's version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TimewarpServerMain.class.getPackage().getImplementationVersion();
      return new String[] {"timewarp-test-server " + (version == null ? "dev" : version)};
    }
  }
}
