package dev.loupe.auth;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who a request comes from: the token's name, its scopes and, when the token is bound to one,
 * its tenant ({@code null}: all tenants). Never holds the token itself.
 */
public record Principal(String name, Set<Scope> scopes, String tenant) {
  /** Every request when no tokens are configured (Loupe then listens on loopback only, or was told to allow it). */
  public static final Principal ANONYMOUS = new Principal("anonymous", EnumSet.allOf(Scope.class), null);

  public Principal {
    scopes = Set.copyOf(scopes);
  }

  public boolean may(Scope scope) {
    return scopes.contains(scope);
  }
}
