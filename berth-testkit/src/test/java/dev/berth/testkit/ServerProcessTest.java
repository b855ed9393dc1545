package dev.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerProcessTest {

  private static final Pattern LISTENING = Pattern.compile("listening on http://(\\S+)");

  @Test
  void readyOnceTheLineAppearsAndGoneAfterKill(@TempDir Path dir) {
    ServerProcess server = ServerProcess.start(
        List.of("sh", "-c", "echo starting; sleep 0.2; echo \"listening on http://127.0.0.1:$PORT\"; exec sleep 30"),
        LISTENING, Duration.ofSeconds(10), Map.of("PORT", "4321"), dir.resolve("log"));
    try (server) {
      assertThat(server.readyMatch().group(1)).isEqualTo("127.0.0.1:4321");
      assertThat(server.output()).startsWith("starting\n");
      server.kill();
      assertThat(server.isAlive()).isFalse();
    }
  }

  @Test
  void aProgramThatExitsEarlyFailsWithItsOutput(@TempDir Path dir) {
    assertThatThrownBy(() -> ServerProcess.start(List.of("sh", "-c", "echo 'Error: bad flag'; exit 2"),
        LISTENING, Duration.ofSeconds(10), Map.of(), dir.resolve("log")))
        .hasMessageContaining("exited with code 2").hasMessageContaining("Error: bad flag");
  }

  @Test
  void aProgramThatNeverGetsReadyFailsAfterTheTimeout(@TempDir Path dir) {
    assertThatThrownBy(() -> ServerProcess.start(List.of("sleep", "30"), LISTENING,
        Duration.ofMillis(300), Map.of(), dir.resolve("log")))
        .hasMessageContaining("printed no line matching");
  }

  @Test
  void closeStopsARunningServer(@TempDir Path dir) {
    ServerProcess server = ServerProcess.start(
        List.of("sh", "-c", "echo listening on http://x; exec sleep 30"), LISTENING,
        Duration.ofSeconds(10), Map.of(), dir.resolve("log"));
    server.close();
    assertThat(server.isAlive()).isFalse();
  }
}
