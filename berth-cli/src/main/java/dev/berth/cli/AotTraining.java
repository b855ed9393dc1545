package dev.berth.cli;

import dev.berth.client.image.Descriptor;
import dev.berth.client.image.Manifest;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredBlob;
import dev.berth.model.MediaTypes;
import dev.berth.model.Reference;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The workload the launcher records the JDK's AOT cache with ({@code -XX:AOTCacheOutput}): the
 * everyday client commands, run in one JVM against a throw-away home with a small image, so the
 * classes they load (picocli, the command tree, JSON, the store, the formatter, the HTTP client
 * of {@code login}) are archived and linked ahead of time. Nothing reaches the network: the login
 * goes to a closed loopback port. All output is discarded.
 */
final class AotTraining {
  private AotTraining() {}

  static void run() throws IOException {
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
          new String[] {"logout", "127.0.0.1:9"},
          new String[] {"login", "127.0.0.1:9", "-u", "user", "--password-stdin"});
      for (String[] args : commands) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
        new Berth(new CliContext(out, out, new ByteArrayInputStream("pw\n".getBytes(StandardCharsets.UTF_8)), env, null))
            .run(args);
      }
    } finally {
      try (Stream<Path> files = Files.walk(home)) {
        for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
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
