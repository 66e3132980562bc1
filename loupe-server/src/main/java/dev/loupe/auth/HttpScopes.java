package dev.loupe.auth;

import java.util.List;
import java.util.Set;

/**
 * Which scope a request on the HTTP port needs. Open: {@code /healthz}, {@code /readyz} and the
 * page's static files (they hold no data; everything the page shows comes from the API). Admin:
 * config views (they name receivers and files). Rules and alerts are read, as in Prometheus, and
 * so is a backtest ({@code POST /api/v1/rules/test}): a query over stored history that changes
 * nothing. Otherwise {@code GET} under {@code /api/} and {@code /metrics} is read, any other
 * method is write.
 */
public final class HttpScopes {
  static final List<String> ADMIN_PREFIXES = List.of("/api/v1/config", "/api/v1/status/config");
  static final String BACKTEST = "/api/v1/rules/test";
  /** What a tenant-bound token may read: the endpoints that filter by tenant. Aggregates (health, signals, /metrics) cannot. */
  static final Set<String> TENANT_FILTERED = Set.of("/api/v1/inferences");

  private HttpScopes() {}

  /** The scope {@code method path} needs, or null when it is open. */
  public static Scope required(String method, String path) {
    if (path.equals("/healthz") || path.equals("/readyz")) return null;
    for (String prefix : ADMIN_PREFIXES) {
      if (path.equals(prefix) || path.startsWith(prefix + "/")) return Scope.ADMIN;
    }
    if (path.equals(BACKTEST)) return Scope.READ;
    boolean data = path.startsWith("/api/") || path.equals("/metrics");
    boolean reading = method.equals("GET") || method.equals("HEAD");
    if (!data) return reading ? null : Scope.WRITE;
    return reading ? Scope.READ : Scope.WRITE;
  }

  /**
   * Null when {@code principal} may make this request as far as tenants go, else why not: a
   * tenant-bound token reads only endpoints that filter by tenant.
   */
  public static String tenantRefusal(Principal principal, Scope scope, String path) {
    if (principal.tenant() == null || scope != Scope.READ || TENANT_FILTERED.contains(path)) return null;
    return "token '" + principal.name() + "' is bound to tenant '" + principal.tenant() + "' and " + path
        + " spans all tenants; such a token can read " + String.join(", ", TENANT_FILTERED.stream().sorted().toList());
  }
}
