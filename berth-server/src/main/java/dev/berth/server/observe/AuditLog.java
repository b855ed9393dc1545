package dev.berth.server.observe;

/**
 * Where security events go: logins good and bad, tokens issued and revoked, user changes, pushes
 * and deletes of tags with their digests. The server and the admin commands ({@code berth user},
 * {@code berth token}) append to the same file ({@link FileAuditLog}); metrics count the failures.
 */
public interface AuditLog {
  AuditLog NONE = event -> { };

  void record(AuditEvent event);

  /**
   * An authentication failure too routine or too cheap to provoke for the audit file (an expired
   * or forged access token, a throttled guess): only counted.
   *
   * @param reason {@code invalid_token}, {@code throttled}
   */
  default void authFailure(String reason) {
  }

  /** Reopens files (log rotation, SIGHUP). */
  default void reopen() {
  }
}
