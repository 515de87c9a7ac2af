package dev.timewarp.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.server.ServerOptions;
import dev.timewarp.server.TimeSkipping;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TimewarpServerMainTest {
  private static ServerOptions parse(String... args) {
    CommandLine commandLine = TimewarpServerMain.commandLine();
    commandLine.parseArgs(args);
    return ((TimewarpServerMain) commandLine.getCommand()).options();
  }

  @Test
  void sdkLauncherFormWithoutFlagStartsLocked() {
    ServerOptions options = parse("7234");
    assertThat(options.port()).hasValue(7234);
    assertThat(options.timeSkipping()).isEqualTo(TimeSkipping.LOCKED);
    assertThat(options.bindAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void sdkLauncherFormWithFlagStartsUnlocked() {
    assertThat(parse("7234", "--enable-time-skipping").timeSkipping()).isEqualTo(TimeSkipping.AUTO);
  }

  @Test
  void namedOptionsProduceTheSameOptionsType() {
    ServerOptions options =
        parse("--port", "9000", "--bind", "0.0.0.0", "--time-skipping", "manual", "--initial-time", "2030-01-01T00:00:00Z");
    assertThat(options.port()).hasValue(9000);
    assertThat(options.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(options.timeSkipping()).isEqualTo(TimeSkipping.MANUAL);
    assertThat(options.initialTime()).contains(Instant.parse("2030-01-01T00:00:00Z"));
  }

  @Test
  void defaultsToPort7233WithSkipping() {
    ServerOptions options = parse();
    assertThat(options.port()).hasValue(7233);
    assertThat(options.timeSkipping()).isEqualTo(TimeSkipping.AUTO);
  }

  @Test
  void badModeIsAUsageError() {
    int exit = TimewarpServerMain.commandLine()
        .setOut(new java.io.PrintWriter(java.io.Writer.nullWriter()))
        .setErr(new java.io.PrintWriter(java.io.Writer.nullWriter()))
        .execute("--time-skipping", "sometimes");
    assertThat(exit).isNotZero();
  }
}
