package dev.berth.server.http;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.server.auth.BasicCredentials;
import dev.berth.server.auth.token.TokenService;
import dev.berth.server.observe.RequestRecord;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The token service over HTTP:
 *
 * <pre>
 * GET  /token?service=&amp;scope=…&amp;offline_token=true&amp;client_id=&amp;account=   Basic credentials or none
 * POST /token          grant_type=password|refresh_token (a form)                  OAuth2, as docker and
 *                                                                                  containers-image send it
 * POST /token/revoke   token=…  (RFC 7009: 200 whether or not the token was known)
 * </pre>
 *
 * Errors carry both the registry's {@code {"errors":[…]}} (what docker prints) and OAuth2's
 * {@code error}/{@code error_description}. Form bodies and headers are bounded; nothing about a
 * secret is ever logged.
 */
public final class TokenEndpoint {
  public static final String PATH = "/token";
  public static final String REVOKE_PATH = "/token/revoke";
  static final int MAX_FORM_BYTES = 64 * 1024;

  private final TokenService service;
  private final Vertx vertx;

  public TokenEndpoint(TokenService service, Vertx vertx) {
    this.service = service;
    this.vertx = vertx;
  }

  public static boolean handles(String path) {
    return path.equals(PATH) || path.equals(REVOKE_PATH);
  }

  public void handle(HttpServerRequest request) {
    handle(request, new RequestRecord("-", request.method().name(), request.path(), "unknown"));
  }

  /** Serves a token request; the record gets the route and the user name given (never a secret). */
  public void handle(HttpServerRequest request, RequestRecord rec) {
    request.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
    String path = request.path();
    HttpMethod method = request.method();
    rec.route(path.equals(PATH) ? "Token" : "RevokeToken");
    if (path.equals(PATH) && method == HttpMethod.GET) {
      drop(request);
      QueryStringDecoder query = new QueryStringDecoder(request.uri());
      Map<String, List<String>> params = query.parameters();
      String[] basic = BasicCredentials.parse(request.getHeader("Authorization"));
      if (basic != null) {
        rec.user(basic[0]);
      }
      if (basic == null && request.getHeader("Authorization") != null) {
        fail(request, 400, "invalid_request", "the Authorization header is not valid Basic credentials", 0);
        return;
      }
      TokenService.Request r = new TokenService.Request(TokenService.Grant.BASIC_GET,
          basic == null ? null : basic[0], basic == null ? null : basic[1], null,
          one(params, "service"), params.getOrDefault("scope", List.of()),
          "true".equalsIgnoreCase(one(params, "offline_token")), one(params, "client_id"), one(params, "account"),
          client(request));
      answer(request, service.issue(r));
    } else if (path.equals(PATH) && method == HttpMethod.POST) {
      readForm(request, form -> {
        String grant = one(form, "grant_type");
        TokenService.Grant type;
        if ("password".equals(grant)) {
          type = TokenService.Grant.PASSWORD;
        } else if ("refresh_token".equals(grant)) {
          type = TokenService.Grant.REFRESH_TOKEN;
        } else {
          fail(request, 400, grant == null ? "invalid_request" : "unsupported_grant_type",
              grant == null ? "grant_type is required" : "unsupported grant_type '" + grant
                  + "' (expected password or refresh_token)", 0);
          return;
        }
        rec.user(one(form, "username"));
        TokenService.Request r = new TokenService.Request(type, one(form, "username"), one(form, "password"),
            one(form, "refresh_token"), one(form, "service"), form.getOrDefault("scope", List.of()),
            "offline".equals(one(form, "access_type")), one(form, "client_id"), null, client(request));
        answer(request, service.issue(r));
      });
    } else if (path.equals(REVOKE_PATH) && method == HttpMethod.POST) {
      readForm(request, form -> {
        String token = one(form, "token");
        if (token == null || token.isEmpty()) {
          fail(request, 400, "invalid_request", "token is required", 0);
          return;
        }
        Context context = vertx.getOrCreateContext();
        service.revoke(token, client(request)).whenComplete((revoked, failure) -> context.runOnContext(v -> {
          if (failure != null) {
            fail(request, 500, "server_error", "the token could not be revoked; try again", 0);
          } else {
            request.response().setStatusCode(200).putHeader("Content-Length", "0").end();
          }
        }));
      });
    } else {
      drop(request);
      request.response().putHeader("Allow", path.equals(PATH) ? "GET, POST" : "POST");
      fail(request, 405, "invalid_request", "method " + method + " is not allowed on " + path, 0);
    }
  }

  private void answer(HttpServerRequest request, CompletionStage<TokenService.Result> result) {
    Context context = vertx.getOrCreateContext();
    result.whenComplete((r, failure) -> context.runOnContext(v -> {
      if (failure != null) {
        fail(request, 500, "server_error", "the token could not be issued; try again", 0);
      } else if (r instanceof TokenService.Result.Issued ok) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", ok.token());
        body.put("access_token", ok.token());
        body.put("token_type", "Bearer");
        body.put("expires_in", ok.expiresIn());
        body.put("issued_at", DateTimeFormatter.ISO_INSTANT.format(ok.issuedAt()));
        body.put("scope", ok.granted());
        if (ok.refreshToken() != null) {
          body.put("refresh_token", ok.refreshToken());
        }
        send(request, 200, body);
      } else if (r instanceof TokenService.Result.Failed f) {
        fail(request, f.status(), f.error(), f.message(), f.retryAfter());
      }
    }));
  }

  private static void fail(HttpServerRequest request, int status, String error, String message, long retryAfter) {
    String code = switch (status) {
      case 401 -> "UNAUTHORIZED";
      case 429 -> "TOOMANYREQUESTS";
      case 405 -> "UNSUPPORTED";
      default -> status >= 500 ? "UNKNOWN" : "UNSUPPORTED";
    };
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("errors", List.of(Map.of("code", code, "message", message)));
    body.put("error", error);
    body.put("error_description", message);
    if (retryAfter > 0) {
      request.response().putHeader("Retry-After", Long.toString(retryAfter));
    }
    if (status == 401) {
      request.response().putHeader("WWW-Authenticate", "Basic realm=\"Berth Registry\"");
    }
    send(request, status, body);
  }

  private static void send(HttpServerRequest request, int status, Map<String, Object> body) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    String json;
    try {
      json = JSON.std.asString(body);
    } catch (IOException e) {
      json = "{}";
    }
    response.setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
  }

  /** Reads an {@code application/x-www-form-urlencoded} body of at most {@link #MAX_FORM_BYTES}. */
  private static void readForm(HttpServerRequest request, java.util.function.Consumer<Map<String, List<String>>> then) {
    String type = request.getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      drop(request);
      fail(request, 400, "invalid_request", "expected a form body (Content-Type: application/x-www-form-urlencoded)", 0);
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] tooLong = {false};
    request.handler(chunk -> {
      if (tooLong[0]) {
        return;
      }
      if (body.length() + chunk.length() > MAX_FORM_BYTES) {
        tooLong[0] = true;
        request.response().putHeader("Connection", "close");
        fail(request, 413, "invalid_request", "the form is larger than " + MAX_FORM_BYTES + " bytes", 0);
        request.connection().close();
        return;
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(e -> request.connection().close());
    request.endHandler(v -> {
      if (!tooLong[0]) {
        then.accept(new QueryStringDecoder(body.toString(StandardCharsets.UTF_8), false).parameters());
      }
    });
    request.resume();
  }

  /** A GET's body (there should be none) is read and dropped, so the connection stays usable. */
  private static void drop(HttpServerRequest request) {
    request.handler(b -> { });
    request.resume();
  }

  private static String one(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.getFirst();
  }

  private static String client(HttpServerRequest request) {
    return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
  }

}
