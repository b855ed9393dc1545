package dev.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExecTest {

  @Test
  void capturesExitCodeAndBothStreams() {
    Exec.Result result = Exec.run(Duration.ofSeconds(10), "sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr()).isEqualTo("err\n");
    assertThat(result.succeeded()).isFalse();
    assertThatThrownBy(result::requireSuccess).hasMessageContaining("exit code 3").hasMessageContaining("err");
  }

  @Test
  void feedsStdinAndEnvironment() {
    Exec.Result result = Exec.command("sh", "-c", "read line; echo \"$line-$GREETING\"")
        .stdin("hello\n").env("GREETING", "world").run();
    assertThat(result.requireSuccess().stdout()).isEqualTo("hello-world\n");
  }

  @Test
  void killsAProgramThatOverrunsItsDeadline() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> Exec.run(Duration.ofMillis(300), "sleep", "30"))
        .hasMessageContaining("timed out").hasMessageContaining("sleep 30");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void namesAProgramThatCannotStart() {
    assertThatThrownBy(() -> Exec.run("/nonexistent/berth-no-such-program"))
        .hasMessageContaining("could not start /nonexistent/berth-no-such-program");
  }
}
