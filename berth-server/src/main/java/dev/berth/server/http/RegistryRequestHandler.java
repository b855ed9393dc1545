package dev.berth.server.http;

import dev.berth.model.BerthVersion;
import dev.berth.model.ErrorCode;
import dev.berth.model.Names;
import dev.berth.server.auth.AccessController;
import dev.berth.server.auth.AccessRequest;
import dev.berth.server.auth.Decision;
import dev.berth.server.observe.AuditLog;
import dev.berth.server.observe.Metrics;
import dev.berth.server.observe.RequestRecord;
import dev.berth.server.storage.RegistryStorage;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;

/**
 * Every request passes here: find the route, ask the access controller (the only place that
 * reads credentials), validate the repository name, then run the route's handler. The body stays
 * paused until a handler accepts it, so nothing is read for a request that will be refused.
 */
public final class RegistryRequestHandler implements Handler<HttpServerRequest> {
  public static final String API_VERSION_HEADER = "Docker-Distribution-API-Version";

  private final List<Route> routes;
  private final String[] literals;
  private final AccessController access;
  private final RegistryStorage storage;
  private final Vertx vertx;
  private final ErrorMapper errors;
  private final Executor uploadWorkers;
  private final BodyRate bodyRate;
  private final Uploads uploads;
  private final AuditLog audit;

  /**
   * Upload bodies streaming now: metrics show them, and a stop waits for their writers to close
   * (so what arrived stays resumable) before it exits.
   */
  public static final class Uploads {
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
    private final Metrics metrics;

    public Uploads(Metrics metrics) {
      this.metrics = metrics;
    }

    void started() {
      active.incrementAndGet();
      metrics.uploadStarted();
    }

    void ended() {
      active.decrementAndGet();
      metrics.uploadEnded();
    }

    public int active() {
      return active.get();
    }
  }

  /**
   * @param uploadWorkers threads that hash and write upload bodies (one at a time per upload)
   */
  public RegistryRequestHandler(Vertx vertx, RegistryStorage storage, AccessController access,
      ErrorMapper errors, boolean deleteEnabled, Executor uploadWorkers) {
    this(vertx, storage, access, errors, deleteEnabled, uploadWorkers, BodyRate.OFF, new Uploads(Metrics.NONE),
        AuditLog.NONE);
  }

  /**
   * @param uploadWorkers threads that hash and write upload bodies (one at a time per upload)
   * @param bodyRate the slowest a request body may arrive
   * @param uploads counts upload bodies streaming in
   * @param audit where pushes and deletes go
   */
  public RegistryRequestHandler(Vertx vertx, RegistryStorage storage, AccessController access,
      ErrorMapper errors, boolean deleteEnabled, Executor uploadWorkers, BodyRate bodyRate, Uploads uploads,
      AuditLog audit) {
    this.uploads = uploads;
    this.audit = audit;
    this.bodyRate = bodyRate;
    this.uploadWorkers = uploadWorkers;
    this.routes = Routes.table(deleteEnabled);
    this.literals = routes.stream().map(Route::literal).toArray(String[]::new);
    this.access = access;
    this.storage = storage;
    this.vertx = vertx;
    this.errors = errors;
  }

  @Override
  public void handle(HttpServerRequest request) {
    handle(request, new RequestRecord("-", request.method().name(), request.path(), "unknown"));
  }

  /**
   * Serves a registry API request. A body nobody needed (a GET with one, a POST that only opens a
   * session) is discarded by the {@link RequestObserver} once the answer is out.
   */
  public void handle(HttpServerRequest request, RequestRecord rec) {
    request.pause();
    request.response().putHeader(API_VERSION_HEADER, "registry/2.0");
    // what `berth version SERVER` reports; a version says no more than the Server header would
    request.response().putHeader(BerthVersion.HEADER, BerthVersion.VERSION);
    String path = request.path();
    Route route = null;
    Matcher match = null;
    // Routes of this method first: the hot paths (blob and manifest GETs) skip the other regexes.
    for (int i = 0; i < routes.size() && route == null; i++) {
      Route r = routes.get(i);
      if (r.methods().contains(request.method()) && (literals[i] == null || path.contains(literals[i]))) {
        Matcher m = r.match(path);
        if (m != null) {
          route = r;
          match = m;
        }
      }
    }
    boolean pathKnown = route != null;
    for (int i = 0; i < routes.size() && !pathKnown; i++) {
      pathKnown = (literals[i] == null || path.contains(literals[i])) && routes.get(i).match(path) != null;
    }
    if (route == null) {
      rec.route(pathKnown ? "MethodNotAllowed" : "Unknown");
      if (pathKnown) {
        errors.send(request, ErrorCode.UNSUPPORTED, 405,
            "method " + request.method() + " is not allowed on " + path, null, Map.of());
      } else {
        errors.send(request, ErrorCode.UNSUPPORTED, 404, "no such endpoint: " + path, null, Map.of());
      }
      return;
    }
    String repository = hasName(match) ? match.group("name") : null;
    rec.route(route.handler().getClass().getSimpleName()).repository(repository);
    String from = repository != null && "POST".equals(request.method().name()) ? request.getParam("from") : null;
    AccessRequest needed = AccessRequest.derive(request.getHeader("Authorization"), request.method().name(),
        repository, route.catalog(), route.uploadSession(), from,
        request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress(),
        request.getHeader("Host"));
    Route chosen = route;
    Matcher matched = match;
    CompletableFuture<Decision> decision;
    try {
      decision = access.authorize(needed).toCompletableFuture();
    } catch (RuntimeException e) {
      errors.send(request, e);
      return;
    }
    if (decision.isDone()) {
      proceed(request, chosen, matched, repository, decision.join(), rec);
    } else {
      Context context = vertx.getOrCreateContext();
      decision.whenComplete((d, failure) -> context.runOnContext(v -> {
        if (failure != null) {
          errors.send(request, failure);
        } else {
          proceed(request, chosen, matched, repository, d, rec);
        }
      }));
    }
  }

  private void proceed(HttpServerRequest request, Route route, Matcher match, String repository, Decision decision,
      RequestRecord rec) {
    if (decision instanceof Decision.Challenge challenge) {
      errors.send(request, challenge.code(), challenge.code().httpStatus(), challenge.message(),
          challenge.detail(), challenge.headers());
      return;
    }
    if (repository != null && !Names.isRepository(repository)) {
      errors.send(request, ErrorCode.NAME_INVALID, 400, "invalid repository name: " + repository, null, Map.of());
      return;
    }
    Decision.Grant grant = (Decision.Grant) decision;
    rec.user(grant.subject());
    Exchange ex = new Exchange(request, match, grant, storage, vertx, errors, uploadWorkers, bodyRate, uploads, audit);
    try {
      route.handler().handle(ex);
    } catch (Exception e) {
      errors.send(request, e);
    }
  }

  private static boolean hasName(Matcher m) {
    return m.pattern().pattern().contains("(?<name>");
  }
}
