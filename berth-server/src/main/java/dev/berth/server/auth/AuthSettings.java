package dev.berth.server.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How the registry authenticates and authorizes.
 *
 * @param mode token (the default), basic or none
 * @param usersFileGiven whether the users file was named by the operator: then a missing file is
 *     an error (a typo must not create a new admin and ignore the real users); only the default
 *     users file is created, with a generated admin
 * @param rulesFile the access rules (YAML); null: {@code <storage>/access.yml}, created on first
 *     start with the defaults. A named file that does not exist is an error.
 * @param realm the token endpoint's URL as clients must reach it; null: derived from each
 *     request's Host header ({@code http://HOST/token})
 * @param service the token audience and challenge {@code service}
 * @param issuer the tokens' {@code iss}
 * @param accessTokenLifetime how long an access token lives (at least 60 s)
 * @param refreshTokenLifetime how long a login's refresh token lives unless revoked
 */
public record AuthSettings(Mode mode, boolean usersFileGiven, Path rulesFile, String realm, String service,
    String issuer, Duration accessTokenLifetime, Duration refreshTokenLifetime) {

  public enum Mode {
    TOKEN,
    BASIC,
    NONE;

    /** @throws IllegalArgumentException naming the value and the choices */
    public static Mode parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid auth mode '" + text + "' (expected token, basic or none)");
      }
    }
  }

  public static final String DEFAULT_SERVICE = "berth";
  public static final String DEFAULT_ISSUER = "berth";
  public static final Duration DEFAULT_ACCESS_LIFETIME = Duration.ofMinutes(5);
  public static final Duration DEFAULT_REFRESH_LIFETIME = Duration.ofDays(90);

  public AuthSettings {
    Objects.requireNonNull(mode, "mode");
    service = service == null || service.isBlank() ? DEFAULT_SERVICE : service;
    issuer = issuer == null || issuer.isBlank() ? DEFAULT_ISSUER : issuer;
    accessTokenLifetime = accessTokenLifetime == null ? DEFAULT_ACCESS_LIFETIME : accessTokenLifetime;
    refreshTokenLifetime = refreshTokenLifetime == null ? DEFAULT_REFRESH_LIFETIME : refreshTokenLifetime;
    if (accessTokenLifetime.compareTo(Duration.ofSeconds(60)) < 0) {
      throw new IllegalArgumentException("access tokens must live at least 60s, not " + accessTokenLifetime.toSeconds() + "s");
    }
    if (realm != null && !(realm.startsWith("http://") || realm.startsWith("https://"))) {
      throw new IllegalArgumentException("invalid token realm '" + realm + "' (expected an http:// or https:// URL)");
    }
    if (service.contains("\"") || issuer.contains("\"")) {
      throw new IllegalArgumentException("the token service and issuer may not contain quotes");
    }
  }

  /** Token auth with the default users and rules files. */
  public static AuthSettings defaults() {
    return of(Mode.TOKEN);
  }

  public static AuthSettings of(Mode mode) {
    return new AuthSettings(mode, false, null, null, null, null, null, null);
  }

  public AuthSettings withMode(Mode m) {
    return new AuthSettings(m, usersFileGiven, rulesFile, realm, service, issuer, accessTokenLifetime,
        refreshTokenLifetime);
  }

  public AuthSettings withRulesFile(Path file) {
    return new AuthSettings(mode, usersFileGiven, file, realm, service, issuer, accessTokenLifetime,
        refreshTokenLifetime);
  }

  public AuthSettings withUsersFileGiven(boolean given) {
    return new AuthSettings(mode, given, rulesFile, realm, service, issuer, accessTokenLifetime,
        refreshTokenLifetime);
  }
}
