package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth login} on a real terminal: the shaded jar runs under {@code script}, which gives it
 * a pseudo-terminal. Each answer is typed only once its prompt has appeared, so the test checks
 * what a user sees: the prompts, the stored user name as default, and no echo of the password.
 */
class LoginPromptIT {
  @TempDir Path home;
  Path dockerConfig;
  BasicAuthRegistry registry;

  @BeforeEach
  void setUp() throws Exception {
    dockerConfig = home.resolve("docker-config");
    registry = new BasicAuthRegistry();
  }

  @AfterEach
  void tearDown() throws Exception {
    registry.close();
  }

  @Test
  void promptsForUserAndHiddenPasswordThenOffersTheStoredUser() throws Exception {
    String first = converse("Username: ", BasicAuthRegistry.USER, "Password: ", BasicAuthRegistry.PASSWORD);
    assertThat(first).contains("Login Succeeded").doesNotContain(BasicAuthRegistry.PASSWORD);
    assertThat(JSON.std.mapFrom(Files.readString(dockerConfig.resolve("config.json"))).get("auths"))
        .isEqualTo(Map.of(registry.host(), Map.of("auth", java.util.Base64.getEncoder().encodeToString(
            (BasicAuthRegistry.USER + ":" + BasicAuthRegistry.PASSWORD).getBytes(StandardCharsets.UTF_8)))));

    // valid stored credentials are tried first, as docker does: no questions
    String again = converse();
    assertThat(again).contains("Authenticating with existing credentials... [Username: alice]").contains("Login Succeeded")
        .doesNotContain("Password:");

    // stale stored credentials: the stored user is the default, Enter accepts it
    storeStale();
    String second = converse("Username (alice): ", "", "Password: ", BasicAuthRegistry.PASSWORD);
    assertThat(second).contains("Stored credentials invalid or expired").contains("Login Succeeded")
        .doesNotContain(BasicAuthRegistry.PASSWORD);

    storeStale();
    String wrong = converse("Username (alice): ", "", "Password: ", "not-it");
    assertThat(wrong).contains("Error: cannot log in to " + registry.host() + ": unauthorized: authentication required")
        .doesNotContain("not-it");
  }

  private void storeStale() throws IOException {
    Files.writeString(dockerConfig.resolve("config.json"),
        "{\"auths\": {\"" + registry.host() + "\": {\"auth\": \"YWxpY2U6c3RhbGU=\"}}}");
  }

  /** Runs {@code berth login HOST} on a pty, typing each answer after its prompt; returns the screen. */
  private String converse(String... promptsAndAnswers) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = System.getProperty("berth.jar");
    String command = java + " -jar " + jar + " login " + registry.host();
    ProcessBuilder pb = new ProcessBuilder("script", "-qec", command, "/dev/null").redirectErrorStream(true);
    pb.environment().put("DOCKER_CONFIG", dockerConfig.toString());
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    try (OutputStream keyboard = p.getOutputStream()) {
      InputStream tty = p.getInputStream();
      for (int i = 0; i < promptsAndAnswers.length; i += 2) {
        awaitText(tty, screen, promptsAndAnswers[i]);
        type(keyboard, promptsAndAnswers[i + 1]);
      }
      tty.transferTo(screen);
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return screen.toString(StandardCharsets.UTF_8);
  }

  private static void type(OutputStream keyboard, String line) throws IOException {
    keyboard.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    keyboard.flush();
  }

  private static void awaitText(InputStream tty, ByteArrayOutputStream screen, String text) throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!screen.toString(StandardCharsets.UTF_8).endsWith(text)) {
      int b = tty.read();
      if (b < 0 || Instant.now().isAfter(deadline)) {
        throw new AssertionError("no prompt '" + text + "'; the terminal showed: " + screen.toString(StandardCharsets.UTF_8));
      }
      screen.write(b);
    }
  }
}
