package dev.berth.credentials;

import java.io.IOException;
import java.util.Optional;

/**
 * Where secrets live, keyed by server address as docker keys them (already normalised by the
 * caller). Kept apart from the config-file code so that an encrypted store or a credential helper
 * can stand in for the plaintext {@code auths} entries.
 */
public interface CredentialStore {
  Optional<Credentials> get(String serverAddress) throws IOException;

  void store(String serverAddress, Credentials credentials) throws IOException;

  /** @return whether anything was removed */
  boolean erase(String serverAddress) throws IOException;
}
