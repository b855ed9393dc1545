package dev.berth.server.auth;

import dev.berth.server.auth.rules.AccessRules;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@code --auth basic}: HTTP Basic on every request, checked by {@link CredentialChecker}
 * (passwords from the users file, or personal access tokens), access per the rules. A client
 * without credentials gets what the rules give anonymous clients, and a {@code Basic} challenge
 * for anything more; the base {@code /v2/} check always wants credentials, so that
 * {@code docker login} never mistakes an open registry for accepted credentials.
 */
public final class BasicAccessController implements AccessController {
  private final CredentialChecker checker;
  private final Supplier<AccessRules> rules;
  private final String challenge;

  public BasicAccessController(CredentialChecker checker, Supplier<AccessRules> rules, String realm) {
    this.checker = checker;
    this.rules = rules;
    this.challenge = "Basic realm=\"" + realm + "\"";
  }

  @Override
  public CompletionStage<Decision> authorize(AccessRequest request) {
    String[] userAndSecret = BasicCredentials.parse(request.authorization());
    if (userAndSecret == null) {
      Permissions anonymous = new Permissions(Identity.ANONYMOUS, rules.get(), null);
      boolean allowed = !request.authenticationOnly() && anonymous.covers(request.required());
      return CompletableFuture.completedFuture(
          allowed ? anonymous : Refusals.unauthorized(request, challenge));
    }
    return checker.check(userAndSecret[0], userAndSecret[1], request.client()).thenApply(result -> switch (result) {
      case CredentialChecker.Result.Ok ok -> {
        if (ok.fresh()) {
          checker.loggedIn(userAndSecret[0], request.client(), ok);
        }
        Permissions p = new Permissions(ok.identity(), rules.get(), null);
        yield p.covers(request.required()) ? p : Refusals.denied(request);
      }
      case CredentialChecker.Result.Refused r -> Refusals.unauthorized(request, challenge);
      case CredentialChecker.Result.Throttled t -> Refusals.throttled(t.delay());
      case CredentialChecker.Result.Busy b -> Refusals.busy();
    });
  }
}
