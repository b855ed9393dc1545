package dev.berth.credentials;

import dev.berth.credentials.vault.Entry;
import dev.berth.credentials.vault.Vault;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Berth's encrypted store used in-process: what {@code docker-credential-berth} serves to docker,
 * without starting it. config.json names it {@code "berth"} ({@code credsStore} or
 * {@code credHelpers}).
 */
public final class VaultCredentialStore implements CredentialStore {
  public static final String HELPER_NAME = "berth";
  public static final String PROGRAM = "docker-credential-" + HELPER_NAME;

  private final Vault vault;

  public VaultCredentialStore(Vault vault) {
    this.vault = vault;
  }

  public Vault vault() {
    return vault;
  }

  @Override
  public Optional<Credentials> get(String serverAddress) throws IOException {
    return vault.get(serverAddress).map(e -> new Credentials(e.username(), e.secret()));
  }

  @Override
  public void store(String serverAddress, Credentials credentials) throws IOException {
    vault.store(new Entry(serverAddress, credentials.username(), credentials.secret()));
  }

  @Override
  public boolean erase(String serverAddress) throws IOException {
    return vault.erase(serverAddress);
  }

  /** Server URL → user name of every login in the store. */
  public Map<String, String> list() throws IOException {
    Map<String, String> servers = new LinkedHashMap<>();
    for (Entry e : vault.list()) {
      servers.put(e.serverUrl(), e.username());
    }
    return servers;
  }

  @Override
  public String toString() {
    return "berth's encrypted store (" + vault.storeFile() + ")";
  }
}
