package dev.berth.server.observe;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One security event: what happened ({@code login}, {@code token.issued}, {@code tag.pushed}, …),
 * whether it succeeded, and its details. Never a secret: user names, token ids (not the tokens),
 * addresses, repositories and digests.
 *
 * @param outcome {@code success} or {@code failure}
 */
public record AuditEvent(String event, String outcome, Map<String, Object> fields) {
  public static final String SUCCESS = "success";
  public static final String FAILURE = "failure";

  public AuditEvent {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  public boolean failed() {
    return FAILURE.equals(outcome);
  }

  /**
   * A password or personal access token was verified (a cached verification is not a new login).
   *
   * @param method {@code password}, {@code personal_token} or {@code refresh_token}
   */
  public static AuditEvent login(String user, String client, String method, boolean ok, String reason) {
    Map<String, Object> f = fields("user", user, "client", client, "method", method);
    if (!ok && reason != null) {
      f.put("reason", reason);
    }
    return new AuditEvent("login", ok ? SUCCESS : FAILURE, f);
  }

  /** @param kind {@code refresh} (a login kept by docker) or {@code personal} */
  public static AuditEvent tokenIssued(String id, String kind, String user, String label, List<String> scopes,
      String client) {
    Map<String, Object> f = fields("token_id", id, "kind", kind, "user", user, "name", label, "client", client);
    if (scopes != null && !scopes.isEmpty()) {
      f.put("scopes", List.copyOf(scopes));
    }
    return new AuditEvent("token.issued", SUCCESS, f);
  }

  /** @param by what revoked it: {@code logout} (the revoke endpoint), {@code cli} */
  public static AuditEvent tokenRevoked(String id, String user, String by, String client) {
    return new AuditEvent("token.revoked", SUCCESS, fields("token_id", id, "user", user, "by", by, "client", client));
  }

  public static AuditEvent tokensRevokedForUser(String user, int count, String reason) {
    return new AuditEvent("token.revoked", SUCCESS, fields("user", user, "count", count, "reason", reason));
  }

  /** @param change {@code user.added}, {@code user.password_changed}, {@code user.removed} */
  public static AuditEvent userChanged(String change, String user, String usersFile) {
    return new AuditEvent(change, SUCCESS, fields("user", user, "users_file", usersFile));
  }

  public static AuditEvent signingKeyRotated(String keyId) {
    return new AuditEvent("signing_key.rotated", SUCCESS, fields("key_id", keyId));
  }

  /** A manifest stored: under a tag ({@code tag.pushed}) or by digest only ({@code manifest.pushed}). */
  public static AuditEvent pushed(String user, String client, String repository, String tag, String digest) {
    return new AuditEvent(tag == null ? "manifest.pushed" : "tag.pushed", SUCCESS,
        fields("user", user, "client", client, "repository", repository, "tag", tag, "digest", digest));
  }

  /** A tag removed ({@code tag.deleted}), or a manifest with its tags ({@code manifest.deleted}). */
  public static AuditEvent deleted(String user, String client, String repository, String tag, String digest,
      List<String> tags) {
    Map<String, Object> f = fields("user", user, "client", client, "repository", repository, "tag", tag, "digest", digest);
    if (tag == null && tags != null) {
      f.put("tags", List.copyOf(tags));
    }
    return new AuditEvent(tag == null ? "manifest.deleted" : "tag.deleted", SUCCESS, f);
  }

  public static AuditEvent blobDeleted(String user, String client, String repository, String digest) {
    return new AuditEvent("blob.deleted", SUCCESS,
        fields("user", user, "client", client, "repository", repository, "digest", digest));
  }

  /** Pairs of name and value; null values are left out. */
  private static Map<String, Object> fields(Object... pairs) {
    Map<String, Object> f = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        f.put((String) pairs[i], pairs[i + 1]);
      }
    }
    return f;
  }
}
