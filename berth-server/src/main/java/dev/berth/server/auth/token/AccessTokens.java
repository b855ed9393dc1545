package dev.berth.server.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.server.auth.Action;
import dev.berth.server.auth.Scope;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Mints and checks access tokens: JWTs signed ES256, with docker's token claims ({@code iss},
 * {@code sub}, {@code aud}, {@code exp}, {@code nbf}, {@code iat}, {@code jti}, {@code access}) and
 * two of Berth's: {@code sid}, the refresh or personal token the access came from (so revoking it
 * voids what it minted), and {@code ims}, the issue time in milliseconds (so a password change
 * voids exactly the tokens issued before it).
 *
 * <p>Verification accepts only ES256 with a key of the current set (never {@code none}, never an
 * HMAC keyed with a public key), the right issuer and audience, within {@link #LEEWAY} of its
 * validity. A verified token is remembered until it expires, so a client sending the same token
 * with every request pays for the signature check once. Revocation is checked by the caller on
 * every request (see {@code Revocations}).
 */
public final class AccessTokens {
  public static final Duration LEEWAY = Duration.ofSeconds(30);
  /** Longer tokens are refused unread: a real one is well under 2 KiB. */
  static final int MAX_TOKEN_LENGTH = 4 * 1024;
  private static final int MAX_CACHED = 20_000;

  private final Supplier<SigningKeys> keys;
  private final String issuer;
  private final String service;
  private final Duration lifetime;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

  /** A token that passed every check but revocation. */
  public record Verified(String subject, List<Scope> access, String sessionId, Instant issuedAt, Instant expires) {}

  /** Why a token was refused; the message is safe to send to the client. */
  public static final class InvalidTokenException extends Exception {
    public InvalidTokenException(String message) {
      super(message);
    }
  }

  /**
   * @param keys the signing keys in force (re-read when they change on disk)
   * @param lifetime how long an access token lives (its {@code expires_in})
   */
  public AccessTokens(Supplier<SigningKeys> keys, String issuer, String service, Duration lifetime, Clock clock) {
    this.keys = Objects.requireNonNull(keys);
    this.issuer = Objects.requireNonNull(issuer);
    this.service = Objects.requireNonNull(service);
    this.lifetime = Objects.requireNonNull(lifetime);
    this.clock = Objects.requireNonNull(clock);
  }

  public String service() {
    return service;
  }

  public String issuer() {
    return issuer;
  }

  public Duration lifetime() {
    return lifetime;
  }

  /** A signed token for {@code subject} (empty for anonymous) carrying {@code access}. */
  public String issue(String subject, List<Scope> access, String sessionId) {
    Instant now = clock.instant();
    List<Map<String, Object>> claims = new ArrayList<>();
    for (Scope s : access) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("type", s.type());
      entry.put("name", s.name());
      entry.put("actions", s.actions().stream().sorted().map(Action::scopeName).toList());
      claims.add(entry);
    }
    byte[] jti = new byte[16];
    random.nextBytes(jti);
    JWTClaimsSet.Builder set = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(subject == null ? "" : subject)
        .audience(service)
        .expirationTime(Date.from(now.plus(lifetime)))
        .notBeforeTime(Date.from(now))
        .issueTime(Date.from(now))
        .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(jti))
        .claim("access", claims)
        .claim("ims", now.toEpochMilli());
    if (sessionId != null) {
      set.claim("sid", sessionId);
    }
    ECKey key = keys.get().signer();
    SignedJWT jwt = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(key.getKeyID()).build(), set.build());
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an access token: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }

  /** Checks everything but revocation. */
  public Verified verify(String token) throws InvalidTokenException {
    Instant now = clock.instant();
    Verified known = verified.get(token);
    if (known != null) {
      if (now.isAfter(known.expires().plus(LEEWAY))) {
        verified.remove(token);
        throw new InvalidTokenException("the access token has expired");
      }
      return known;
    }
    Verified fresh = check(token, now);
    if (verified.size() >= MAX_CACHED) {
      verified.entrySet().removeIf(e -> now.isAfter(e.getValue().expires().plus(LEEWAY)));
      if (verified.size() >= MAX_CACHED) {
        verified.clear();
      }
    }
    verified.put(token, fresh);
    return fresh;
  }

  private Verified check(String token, Instant now) throws InvalidTokenException {
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenException("the access token is too long");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("the access token is not a signed JWT");
    }
    JWSHeader header = jwt.getHeader();
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
      throw new InvalidTokenException("the access token is not signed with ES256");
    }
    ECKey key = header.getKeyID() == null ? null : keys.get().find(header.getKeyID());
    if (key == null) {
      throw new InvalidTokenException("the access token was signed by an unknown key");
    }
    try {
      if (!jwt.verify(new ECDSAVerifier(key.toECPublicKey()))) {
        throw new InvalidTokenException("the access token's signature is invalid");
      }
    } catch (JOSEException e) {
      throw new InvalidTokenException("the access token's signature is invalid");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidTokenException("the access token's claims are malformed");
    }
    if (!issuer.equals(claims.getIssuer())) {
      throw new InvalidTokenException("the access token was issued by someone else");
    }
    if (claims.getAudience() == null || !claims.getAudience().contains(service)) {
      throw new InvalidTokenException("the access token is for another service");
    }
    Date exp = claims.getExpirationTime();
    Date nbf = claims.getNotBeforeTime();
    if (exp == null || now.isAfter(exp.toInstant().plus(LEEWAY))) {
      throw new InvalidTokenException("the access token has expired");
    }
    if (nbf != null && now.isBefore(nbf.toInstant().minus(LEEWAY))) {
      throw new InvalidTokenException("the access token is not valid yet");
    }
    List<Scope> access;
    String sid;
    Instant issued;
    try {
      access = access(claims.getListClaim("access"));
      sid = claims.getStringClaim("sid");
      Long ims = claims.getLongClaim("ims");
      issued = ims != null ? Instant.ofEpochMilli(ims)
          : claims.getIssueTime() != null ? claims.getIssueTime().toInstant() : Instant.EPOCH;
    } catch (ParseException | ClassCastException e) {
      throw new InvalidTokenException("the access token's claims are malformed");
    }
    String subject = claims.getSubject();
    return new Verified(subject == null || subject.isEmpty() ? null : subject, access, sid, issued, exp.toInstant());
  }

  private static List<Scope> access(List<Object> raw) {
    if (raw == null) {
      return List.of();
    }
    List<Scope> access = new ArrayList<>();
    for (Object o : raw) {
      if (!(o instanceof Map<?, ?> m) || !(m.get("type") instanceof String type) || !(m.get("name") instanceof String name)
          || !(m.get("actions") instanceof List<?> actions)) {
        throw new ClassCastException("malformed access entry");
      }
      EnumSet<Action> set = EnumSet.noneOf(Action.class);
      for (Object a : actions) {
        for (Action known : Action.values()) {
          if (known.scopeName().equals(a)) {
            set.add(known);
          }
        }
      }
      if (type.equals(Scope.REGISTRY)) {
        if (name.equals("catalog") && set.contains(Action.CATALOG)) {
          access.add(Scope.catalog());
        }
      } else {
        set.remove(Action.CATALOG);
        access.add(new Scope(type, name, java.util.Set.copyOf(set)));
      }
    }
    return access;
  }
}
