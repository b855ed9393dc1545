package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BasicAccessControllerTest {
  @TempDir Path dir;
  final ExecutorService pool = Executors.newSingleThreadExecutor();
  final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** A users file made by the real htpasswd; test-only passwords in argv are fine. */
  static Path htpasswd(Path file, String mode, String user, String password) throws Exception {
    var args = new java.util.ArrayList<>(java.util.List.of("htpasswd", mode, "-b"));
    if (!Files.exists(file)) {
      args.add("-c");
    }
    args.addAll(java.util.List.of(file.toString(), user, password));
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();
    return file;
  }

  Decision authorize(BasicAccessController c, String user, String password) throws Exception {
    String header = user == null ? null : "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return c.authorize(AccessRequest.derive(header, "GET", "repo", false, null))
        .toCompletableFuture().get();
  }

  BasicAccessController controller(Path file) {
    return new BasicAccessController(file, "Berth Registry", pool, new PrintStream(log, true));
  }

  @Test
  void acceptsBcryptEntriesWrittenByHtpasswd() throws Exception {
    Path file = htpasswd(dir.resolve("users"), "-B", "alice", "s3cret pass");
    htpasswd(file, "-B", "bob", "other");
    BasicAccessController c = controller(file);

    assertThat(authorize(c, "alice", "s3cret pass")).isInstanceOfSatisfying(Decision.Grant.class,
        g -> assertThat(g.subject()).isEqualTo("alice"));
    assertThat(authorize(c, "bob", "other")).isInstanceOf(Decision.Grant.class);
    // twice: the second answer comes from the cache and must agree
    assertThat(authorize(c, "alice", "s3cret pass")).isInstanceOf(Decision.Grant.class);
  }

  @Test
  void wrongOrMissingCredentialsGetABasicChallenge() throws Exception {
    BasicAccessController c = controller(htpasswd(dir.resolve("users"), "-B", "alice", "right"));
    authorize(c, "alice", "right"); // cached now; a wrong password must still fail

    for (Decision d : new Decision[] {
        authorize(c, "alice", "wrong"), authorize(c, "nobody", "right"), authorize(c, null, null)}) {
      assertThat(d).isInstanceOfSatisfying(Decision.Challenge.class, ch -> {
        assertThat(ch.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(ch.headers()).containsEntry("WWW-Authenticate", "Basic realm=\"Berth Registry\"");
      });
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("right").doesNotContain("wrong");
  }

  @Test
  void otherHashTypesAreRefusedNamingUserAndType() throws Exception {
    Path file = htpasswd(dir.resolve("users"), "-B", "alice", "pw");
    htpasswd(file, "-m", "carol", "pw");

    assertThatThrownBy(() -> controller(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'carol'")
        .hasMessageContaining("MD5 ($apr1$)")
        .hasMessageContaining("only bcrypt");
  }

  @Test
  void aChangedUsersFileTakesEffectAndDropsCachedLogins() throws Exception {
    Path file = htpasswd(dir.resolve("users"), "-B", "alice", "old");
    BasicAccessController c = controller(file);
    assertThat(authorize(c, "alice", "old")).isInstanceOf(Decision.Grant.class);

    Files.delete(file);
    htpasswd(file, "-B", "alice", "new");
    Thread.sleep(1100); // the file is re-checked at most once a second

    assertThat(authorize(c, "alice", "old")).isInstanceOf(Decision.Challenge.class);
    assertThat(authorize(c, "alice", "new")).isInstanceOf(Decision.Grant.class);
  }

  @Test
  void bootstrapWritesAnAdminThatCanLogInWithAPrivateFile() throws Exception {
    Path file = dir.resolve("sub/htpasswd");
    String password = AdminBootstrap.ensureUsersFile(file);

    assertThat(password).hasSizeGreaterThanOrEqualTo(20);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Files.readString(file)).startsWith("admin:$2y$10$").doesNotContain(password);
    assertThat(authorize(controller(file), "admin", password)).isInstanceOf(Decision.Grant.class);
    assertThat(AdminBootstrap.ensureUsersFile(file)).isNull();
  }

  @Test
  void accessIsDerivedFromMethodAndRoute() {
    assertThat(AccessRequest.derive(null, "HEAD", "a/b", false, null).required())
        .containsExactly(Scope.repository("a/b", Action.PULL));
    assertThat(AccessRequest.derive(null, "PATCH", "a/b", false, null).required().getFirst().toString())
        .isEqualTo("repository:a/b:pull,push");
    AccessRequest mount = AccessRequest.derive(null, "POST", "a/b", false, "c/d");
    assertThat(mount.optional()).containsExactly(Scope.repository("c/d", Action.PULL));
    assertThat(AccessRequest.derive(null, "DELETE", "a/b", false, null).required())
        .containsExactly(Scope.repository("a/b", Action.DELETE));
    assertThat(AccessRequest.derive(null, "GET", null, true, null).required().getFirst().toString())
        .isEqualTo("registry:catalog:*");
  }
}
