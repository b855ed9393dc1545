package dev.berth.server.auth.store;

import java.time.Instant;
import java.util.List;

/**
 * A long-lived secret the registry handed out, as the store keeps it: never the secret itself,
 * only its SHA-256 (the secrets are 256 random bits, so a fast hash is as good as a slow one).
 *
 * @param id short public identifier, shown by {@code berth token list} and used to revoke
 * @param kind a refresh token (what {@code docker login} keeps as its identity token) or a
 *     personal access token
 * @param subject the user it acts for
 * @param name the client it was issued to ({@code docker}, {@code berth}) or the PAT's label
 * @param scopes for a PAT, the scope patterns it is limited to ({@code repository:team/*:pull});
 *     empty for a refresh token (all the user may do)
 * @param parent for a refresh token issued to a login with a personal access token, that
 *     token's id: revoking the personal token revokes it too; else null
 * @param expiresAt null: does not expire
 * @param revokedAt null: not revoked
 */
public record StoredToken(
    String id, Kind kind, String subject, String name, List<String> scopes, String parent, byte[] hash,
    Instant createdAt, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {

  public enum Kind {
    REFRESH("refresh"),
    PERSONAL("personal");

    private final String column;

    Kind(String column) {
      this.column = column;
    }

    public String column() {
      return column;
    }

    static Kind of(String column) {
      for (Kind k : values()) {
        if (k.column.equals(column)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown token kind in the store: " + column);
    }
  }

  public StoredToken {
    scopes = List.copyOf(scopes);
  }

  /** Usable now: neither revoked nor expired. */
  public boolean activeAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }
}
