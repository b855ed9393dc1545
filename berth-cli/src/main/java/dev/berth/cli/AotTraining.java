package dev.berth.cli;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.Manifest;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredBlob;
import dev.berth.model.MediaTypes;
import dev.berth.model.Reference;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The workload the launcher records the JDK's AOT cache with ({@code -XX:AOTCacheOutput}): the
 * everyday client commands, run in one JVM against a throw-away home with a small image, so the
 * classes they load (picocli, the command tree, JSON, the store, the formatter, the HTTP client)
 * are archived and linked ahead of time. The registry commands (login, push, pull, search, …)
 * talk to a real {@code berth serve} this run starts on a loopback port of its own and stops at
 * the end; nothing else is reached. All output is discarded.
 */
final class AotTraining {
  /** The environment variable that makes {@link Main} run this instead of a command. */
  static final String SWITCH = "BERTH_AOT_TRAINING";

  private AotTraining() {}

  static void run() throws IOException, InterruptedException {
    Path home = Files.createTempDirectory("berth-aot-training");
    try {
      Map<String, String> env = Map.of("HOME", home.toString(), "XDG_DATA_HOME", home.resolve("data").toString(),
          "DOCKER_CONFIG", home.resolve("docker").toString(), "PATH", "/usr/bin:/bin");
      seed(ImageStore.open(home.resolve("data/berth/images")));
      List<String[]> commands = List.of(
          new String[] {},
          new String[] {"--help"},
          new String[] {"push", "--help"},
          new String[] {"-v"},
          new String[] {"version"},
          new String[] {"images"},
          new String[] {"images", "--format", "{{json .}}"},
          new String[] {"images", "--format", "table {{.Repository}}:{{.Tag}}\t{{.Size}}", "--digests", "-f", "reference=app*"},
          new String[] {"tag", "app:1", "app:2"},
          new String[] {"image", "ls", "-q", "--no-trunc"},
          new String[] {"inspect", "app:2"},
          new String[] {"history", "app:1"},
          new String[] {"system", "df"},
          new String[] {"rmi", "app:2"},
          new String[] {"frobnicate"},
          new String[] {"images", "--bogus"},
          new String[] {"login", "127.0.0.1:9", "-u", "user", "--password-stdin"});
      for (String[] args : commands) {
        run(env, "pw\n", args);
      }
      withRegistry(home, env);
    } finally {
      try (Stream<Path> files = Files.walk(home)) {
        for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void run(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
    new Berth(new CliContext(out, out, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env, null))
        .run(args);
  }

  /**
   * Login (a 401 challenge, then Basic), push, pull, copy, tags, inspect docker://, search,
   * manifest inspect and version against a {@code berth serve} of this build; skipped when it
   * does not start.
   */
  private static void withRegistry(Path home, Map<String, String> env) throws IOException, InterruptedException {
    Path jar;
    try {
      jar = Path.of(AotTraining.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return;
    }
    // the training runs on berth-client.jar, which lacks the registry's libraries: berth.jar beside it serves
    Path serverJar = jar.resolveSibling("berth.jar");
    if (!Files.isRegularFile(serverJar)) {
      return;
    }
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder serve = new ProcessBuilder(javaBin, "-jar", serverJar.toString(), "serve", "--listen", "127.0.0.1:0",
        "--storage", home.resolve("registry").toString()).redirectErrorStream(true);
    serve.environment().remove(SWITCH); // the server serves: it must not train (and start a server, and …)
    Process server = serve.start();
    try {
      // its output read on another thread, so a server that never says "listening" cannot hang us
      BufferedReader output = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread.ofVirtual().start(() -> {
        try {
          for (String line; (line = output.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (IOException ignored) {
          // it was stopped
        }
      });
      Pattern hint = Pattern.compile("echo '([^']+)' \\| .* login (\\S+) -u (\\S+)");
      String password = null;
      String host = null;
      String user = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (String line = ""; line != null && !line.contains("listening on"); ) {
        line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        Matcher m = line == null ? null : hint.matcher(line);
        if (m != null && m.find()) {
          password = m.group(1);
          host = m.group(2);
          user = m.group(3);
        }
        if (line == null) {
          password = null; // no "listening" in time: no registry to train with
        }
      }
      if (password == null) {
        return;
      }
      run(env, password + "\n", "login", host, "-u", user, "--password-stdin");
      run(env, password + "\n", "login", host, "-u", user, "--password-stdin"); // with a config.json to read
      run(env, "", "tag", "app:1", host + "/train/app:1");
      run(env, "", "push", host + "/train/app:1");
      run(env, "", "pull", "-q", host + "/train/app:1");
      run(env, "", "pull", host + "/train/nope:1");
      run(env, "", "copy", host + "/train/app:1", host + "/train/copy:1");
      run(env, "", "tags", host + "/train/app");
      run(env, "", "inspect", "docker://" + host + "/train/app:1");
      run(env, "", "manifest", "inspect", host + "/train/app:1");
      run(env, "", "search", host + "/train");
      run(env, "", "version", host);
      run(env, "", "logout", host);
      // the default store when docker-credential-berth is on PATH: the vault, its AES-GCM and its
      // locked writes (a stand-in helper; the login stores in-process, it never runs it)
      Path bin = Files.createDirectories(home.resolve("bin"));
      Path helper = bin.resolve(dev.berth.credentials.VaultCredentialStore.PROGRAM);
      Files.writeString(helper, "#!/bin/sh\nexit 1\n");
      helper.toFile().setExecutable(true);
      Map<String, String> encrypted = new java.util.HashMap<>(env);
      encrypted.put("PATH", bin + ":/usr/bin:/bin");
      encrypted.put("DOCKER_CONFIG", home.resolve("docker-encrypted").toString());
      encrypted.put("BERTH_AGENT", "off");
      run(encrypted, password + "\n", "login", host, "-u", user, "--password-stdin");
      run(encrypted, password + "\n", "login", host, "-u", user, "--password-stdin"); // the store exists now
      run(encrypted, "", "whoami");
      run(encrypted, "", "logout", host);
    } finally {
      server.destroy();
      try {
        server.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server.destroyForcibly();
    }
  }

  /** One small image named app:1 (a config, an empty layer tar, a manifest). */
  private static void seed(ImageStore store) throws IOException {
    byte[] layer = new byte[10240]; // an empty tar: two zero blocks, padded
    StoredBlob layerBlob = store.putBlob(layer);
    String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\","
        + "\"config\":{\"Labels\":{\"a\":\"b\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
        + layerBlob.digest() + "\"]},\"history\":[{\"created\":\"2024-01-01T00:00:00Z\",\"created_by\":\"train\"}]}";
    StoredBlob configBlob = store.putBlob(config.getBytes(StandardCharsets.UTF_8));
    byte[] manifest = Manifest.buildOci(new Descriptor(MediaTypes.OCI_CONFIG, configBlob.digest(), configBlob.size()),
        List.of(new Descriptor(MediaTypes.OCI_LAYER, layerBlob.digest(), layerBlob.size())));
    StoredBlob manifestBlob = store.putBlob(manifest);
    store.addImage(new Descriptor(MediaTypes.OCI_MANIFEST, manifestBlob.digest(), manifestBlob.size()),
        List.of(Reference.parse("app:1")));
  }
}
