package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.credentials.install.HelperInstaller;
import dev.berth.testkit.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty {@code berth login} processes (the shaded jar) to twenty registries at once: config.json
 * and the encrypted store both end up with twenty entries, and a config.json that is a symlink
 * (a dotfile manager's) is still one, its target rewritten.
 */
class ConcurrentLoginIT {
  static final Path JAR = Path.of(System.getProperty("berth.jar", "target/berth.jar"));
  static final int LOGINS = 20;

  @TempDir Path home;

  @Test
  void twentyLoginsAtOnceLeaveTwentyEntries() throws Exception {
    Path bin = home.resolve("bin");
    new HelperInstaller(bin, home.resolve(".local/share/berth/helper"), Path.of(System.getProperty("java.home"))).install(false);
    Path dotfiles = Files.createDirectories(home.resolve("dotfiles"));
    Files.writeString(dotfiles.resolve("docker.json"), "{\"psFormat\": \"kept\"}");
    Path dockerConfig = Files.createDirectories(home.resolve(".docker"));
    Files.createSymbolicLink(dockerConfig.resolve("config.json"), Path.of("../dotfiles/docker.json"));

    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("DOCKER_CONFIG", dockerConfig.toString());
    env.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
    env.put("PATH", bin + ":/usr/bin:/bin");
    env.put("BERTH_AGENT", "off");
    try (BasicAuthRegistry registries = new BasicAuthRegistry(LOGINS);
        ExecutorService pool = Executors.newFixedThreadPool(LOGINS)) {
      List<CompletableFuture<Exec.Result>> running = new ArrayList<>();
      for (String host : registries.hosts()) {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
            "-cp", JAR.resolveSibling("berth-client.jar").toString(), "dev.berth.cli.Main", // as ./berth runs it
            "login", host, "-u", BasicAuthRegistry.USER, "--password-stdin");
        running.add(CompletableFuture.supplyAsync(() ->
            Exec.command(command).env(env).stdin(BasicAuthRegistry.PASSWORD).timeout(Duration.ofMinutes(3)).run(), pool));
      }
      for (CompletableFuture<Exec.Result> r : running) {
        Exec.Result result = r.join();
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
      }

      assertThat(Files.isSymbolicLink(dockerConfig.resolve("config.json"))).isTrue();
      Map<String, Object> config = JSON.std.mapFrom(Files.readString(dotfiles.resolve("docker.json")));
      assertThat(keys(config.get("auths"))).containsExactlyInAnyOrderElementsOf(registries.hosts());
      assertThat(keys(config.get("credHelpers"))).containsExactlyInAnyOrderElementsOf(registries.hosts());
      assertThat(config).containsEntry("psFormat", "kept").containsEntry("credsStore", "berth");
      String listed = Exec.command(bin.resolve("docker-credential-berth").toString(), "list").env(env).run().stdout();
      assertThat(keys(JSON.std.mapFrom(listed))).containsExactlyInAnyOrderElementsOf(registries.hosts());
      try (var files = Files.list(dockerConfig)) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly("config.json");
      }
    }
  }

  private static List<String> keys(Object map) {
    return ((Map<?, ?>) map).keySet().stream().map(String::valueOf).toList();
  }
}
