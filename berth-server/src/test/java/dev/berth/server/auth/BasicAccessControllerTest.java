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
import dev.berth.server.storage.StorageLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BasicAccessControllerTest {
  @TempDir Path dir;
  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  final java.util.List<AuthSystem> opened = new java.util.ArrayList<>();

  @AfterEach
  void stop() {
    opened.forEach(AuthSystem::close);
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

  Decision authorize(AccessController c, String user, String password) throws Exception {
    String header = user == null ? null : "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return c.authorize(AccessRequest.derive(header, "GET", "repo", false, null, "127.0.0.1", null))
        .toCompletableFuture().get();
  }

  AccessController controller(Path file) {
    PrintStream out = new PrintStream(log, true);
    AuthSystem auth = AuthSystem.open(AuthSettings.of(AuthSettings.Mode.BASIC), new StorageLayout(dir.resolve("storage")),
        file, host -> null, out::println);
    opened.add(auth);
    return auth.controller();
  }

  @Test
  void acceptsBcryptEntriesWrittenByHtpasswd() throws Exception {
    Path file = htpasswd(dir.resolve("users"), "-B", "alice", "s3cret pass");
    htpasswd(file, "-B", "bob", "other");
    AccessController c = controller(file);

    assertThat(authorize(c, "alice", "s3cret pass")).isInstanceOfSatisfying(Decision.Grant.class,
        g -> assertThat(g.subject()).isEqualTo("alice"));
    assertThat(authorize(c, "bob", "other")).isInstanceOf(Decision.Grant.class);
    // twice: the second answer comes from the cache and must agree
    assertThat(authorize(c, "alice", "s3cret pass")).isInstanceOf(Decision.Grant.class);
  }

  @Test
  void wrongOrMissingCredentialsGetABasicChallenge() throws Exception {
    AccessController c = controller(htpasswd(dir.resolve("users"), "-B", "alice", "right"));
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
    AccessController c = controller(file);
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
    assertThat(AccessRequest.derive(null, "HEAD", "a/b", false, null, "a", null).required())
        .containsExactly(Scope.repository("a/b", Action.PULL));
    assertThat(AccessRequest.derive(null, "PATCH", "a/b", false, null, "a", null).required().getFirst().toString())
        .isEqualTo("repository:a/b:pull,push");
    AccessRequest mount = AccessRequest.derive(null, "POST", "a/b", false, "c/d", "a", null);
    assertThat(mount.optional()).containsExactly(Scope.repository("c/d", Action.PULL));
    assertThat(AccessRequest.derive(null, "DELETE", "a/b", false, null, "a", null).required())
        .containsExactly(Scope.repository("a/b", Action.DELETE));
    assertThat(AccessRequest.derive(null, "GET", null, true, null, "a", null).required().getFirst().toString())
        .isEqualTo("registry:catalog:*");
  }
}
