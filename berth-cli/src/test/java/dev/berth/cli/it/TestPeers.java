package dev.berth.cli.it;

import dev.berth.testkit.DistributionRegistry;
import dev.berth.testkit.Htpasswd;
import dev.berth.testkit.SyntheticImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The testkit's fixtures, shaped for the CLI integration tests. */
final class TestPeers {
  private static final AtomicLong SEED = new AtomicLong(131);

  static Path htpasswd(Path file, String user, String password) {
    return Htpasswd.create(file, user, password);
  }

  /** A {@code docker save} tar of a small, distinct image named {@code repoTag}. */
  static Path dockerArchive(Path tar, String repoTag) {
    return SyntheticImage.builder().seed(SEED.getAndIncrement()).repoTag(repoTag).build().writeDockerArchive(tar);
  }

  /**
   * An OCI layout directory holding one image tagged {@code tag}. Its layers are gzip-compressed,
   * as registries hold them: a client would compress uncompressed layers on the way in and so
   * change the manifest digest.
   */
  static Path ociLayout(Path dir, String tag) {
    return SyntheticImage.builder().seed(SEED.getAndIncrement()).gzipLayers(true).repoTag("interop/image:" + tag)
        .build().writeOciLayout(dir);
  }

  /** The manifest digest that an OCI layout's index.json records for {@code tag}. */
  @SuppressWarnings("unchecked")
  static String manifestDigest(Path layout, String tag) throws IOException {
    Map<String, Object> index = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(Files.readString(layout.resolve("index.json")));
    for (Object m : (List<Object>) index.get("manifests")) {
      Map<String, Object> descriptor = (Map<String, Object>) m;
      Map<String, Object> annotations = (Map<String, Object>) descriptor.getOrDefault("annotations", Map.of());
      String name = String.valueOf(annotations.get("org.opencontainers.image.ref.name"));
      if (name.equals(tag) || name.endsWith(":" + tag)) {
        return (String) descriptor.get("digest");
      }
    }
    throw new IllegalStateException("no manifest tagged " + tag + " in " + layout);
  }

  static DistributionRegistry distribution(Path workDir, String user, String password) throws IOException {
    Files.createDirectories(workDir);
    Path users = Htpasswd.create(workDir.resolve("htpasswd"), user, password);
    return DistributionRegistry.builder().workDir(workDir).htpasswd(users).start();
  }

  private TestPeers() {}
}
