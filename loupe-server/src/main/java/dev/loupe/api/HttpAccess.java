package dev.loupe.api;

import com.google.protobuf.util.JsonFormat;
import com.google.rpc.Code;
import com.google.rpc.Status;
import dev.loupe.auth.Authenticator;
import dev.loupe.auth.HttpScopes;
import dev.loupe.auth.Principal;
import dev.loupe.auth.Scope;
import dev.loupe.auth.Verdict;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The token check before every route: 401 with {@code WWW-Authenticate} for missing or invalid
 * credentials, 403 for a token without the scope (or a tenant-bound token on an endpoint that
 * spans tenants). On the API port errors have the wire contract's JSON shape; on the OTLP port
 * they are a {@code google.rpc.Status} encoded like the request, as OTLP/HTTP says.
 */
final class HttpAccess implements Handler {
  private static final String PRINCIPAL = "loupe.principal";

  private final Authenticator authenticator;
  private final BiFunction<String, String, Scope> scopes;
  private final boolean otlp;

  private HttpAccess(Authenticator authenticator, BiFunction<String, String, Scope> scopes, boolean otlp) {
    this.authenticator = authenticator;
    this.scopes = scopes;
    this.otlp = otlp;
  }

  /** The API port's check: scopes as {@link HttpScopes} says. */
  static HttpAccess api(Authenticator authenticator) {
    return new HttpAccess(authenticator, HttpScopes::required, false);
  }

  /** The OTLP/HTTP port's check: everything there is ingest. */
  static HttpAccess otlp(Authenticator authenticator) {
    return new HttpAccess(authenticator, (method, path) -> Scope.WRITE, true);
  }

  /** Who the request is from; anonymous when auth is off or the route is open. */
  static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    return p == null ? Principal.ANONYMOUS : p;
  }

  @Override
  public void handle(Context ctx) {
    if (!authenticator.enabled()) return;
    Scope scope = scopes.apply(ctx.method().name(), ctx.path());
    if (scope == null) return;
    Verdict v = authenticator.check(ctx.header("Authorization"), scope);
    if (v instanceof Verdict.Allowed allowed) {
      String refusal = HttpScopes.tenantRefusal(allowed.principal(), scope, ctx.path());
      if (refusal == null) {
        ctx.attribute(PRINCIPAL, allowed.principal());
        return;
      }
      refuse(ctx, 403, Code.PERMISSION_DENIED, refusal);
    } else if (v instanceof Verdict.Forbidden f) {
      refuse(ctx, 403, Code.PERMISSION_DENIED, f.reason());
    } else {
      // Basic for the endpoints Prometheus calls (remote_write, scrape), Bearer for the rest;
      // a Basic challenge on the page's API calls would make browsers pop their own dialog.
      boolean prometheus = !otlp && (ctx.path().equals("/metrics") || ctx.path().equals("/api/v1/write"));
      ctx.header("WWW-Authenticate", prometheus ? "Basic realm=\"loupe\", charset=\"UTF-8\"" : "Bearer realm=\"loupe\"");
      refuse(ctx, 401, Code.UNAUTHENTICATED, ((Verdict.Unauthenticated) v).reason());
    }
  }

  private void refuse(Context ctx, int status, Code code, String message) {
    ctx.skipRemainingHandlers();
    if (!otlp) {
      ApiJson.error(ctx, status, message, List.of());
      return;
    }
    Status body = Status.newBuilder().setCode(code.getNumber()).setMessage(message).build();
    String type = ctx.header("Content-Type");
    boolean json = type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json");
    ctx.status(status);
    if (json) {
      try {
        ctx.contentType("application/json").result(JsonFormat.printer().print(body));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException("a Status always prints", e);
      }
    } else {
      ctx.contentType("application/x-protobuf").result(body.toByteArray());
    }
  }
}
