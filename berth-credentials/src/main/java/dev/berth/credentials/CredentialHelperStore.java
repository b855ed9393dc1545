package dev.berth.credentials;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A docker credential helper ({@code docker-credential-NAME}) used as a client, per the protocol of
 * docker/docker-credential-helpers: {@code get} and {@code erase} read the server URL on stdin,
 * {@code store} reads {@code {"ServerURL","Username","Secret"}}; {@code get} answers with the same
 * JSON. A helper that does not know the server says {@code credentials not found in native
 * keychain} and exits non-zero. Failures carry the helper's name and action, never a secret.
 */
public final class CredentialHelperStore implements CredentialStore {
  private static final String NOT_FOUND = "credentials not found in native keychain";

  private final String name;
  private final HelperLauncher launcher;

  public CredentialHelperStore(String name, HelperLauncher launcher) {
    if (name.isEmpty() || !name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("invalid credential helper name: " + name);
    }
    this.name = name;
    this.launcher = launcher;
  }

  public String program() {
    return "docker-credential-" + name;
  }

  @Override
  public Optional<Credentials> get(String serverAddress) throws IOException {
    HelperLauncher.Result r = launcher.run(program(), "get", serverAddress.getBytes(StandardCharsets.UTF_8));
    if (r.exitCode() != 0) {
      if (r.stdoutText().contains(NOT_FOUND)) {
        return Optional.empty();
      }
      throw failure("get", r);
    }
    Map<String, Object> reply;
    try {
      reply = JSON.std.mapFrom(r.stdout());
    } catch (IOException e) {
      throw new IOException(program() + " get returned something that is not JSON");
    }
    if (!(reply.get("Username") instanceof String user) || !(reply.get("Secret") instanceof String secret)
        || secret.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Credentials(user, secret));
  }

  @Override
  public void store(String serverAddress, Credentials credentials) throws IOException {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("ServerURL", serverAddress);
    request.put("Username", credentials.username());
    request.put("Secret", credentials.secret());
    HelperLauncher.Result r = launcher.run(program(), "store", JSON.std.asBytes(request));
    if (r.exitCode() != 0) {
      throw failure("store", r);
    }
  }

  @Override
  public boolean erase(String serverAddress) throws IOException {
    HelperLauncher.Result r = launcher.run(program(), "erase", serverAddress.getBytes(StandardCharsets.UTF_8));
    if (r.exitCode() != 0) {
      if (r.stdoutText().contains(NOT_FOUND)) {
        return false;
      }
      throw failure("erase", r);
    }
    return true;
  }

  /**
   * What the helper holds: server URL → user name ({@code list}), as far as it says. Helpers list
   * everything in their keychain, logins made with other config files included.
   */
  public Map<String, String> list() throws IOException {
    HelperLauncher.Result r = launcher.run(program(), "list", "unused".getBytes(StandardCharsets.UTF_8));
    if (r.exitCode() != 0) {
      throw failure("list", r);
    }
    Map<String, Object> reply;
    try {
      reply = JSON.std.mapFrom(r.stdout());
    } catch (IOException e) {
      throw new IOException(program() + " list returned something that is not JSON");
    }
    Map<String, String> servers = new LinkedHashMap<>();
    if (reply != null) {
      reply.forEach((k, v) -> servers.put(k, v instanceof String user ? user : ""));
    }
    return servers;
  }

  private IOException failure(String action, HelperLauncher.Result r) {
    // A helper's own message is about its keychain (locked, missing gpg key), not the secret.
    String said = r.stdoutText().lines().findFirst().orElse("").strip();
    if (said.length() > 200) {
      said = said.substring(0, 200) + "…";
    }
    return new IOException(program() + " " + action + " failed (exit " + r.exitCode() + ")"
        + (said.isEmpty() ? "" : ": " + said));
  }
}
