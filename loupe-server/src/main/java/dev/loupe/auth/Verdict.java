package dev.loupe.auth;

/** What {@link Authenticator} decided about one request. */
public sealed interface Verdict {
  /** Go on, as this principal. */
  record Allowed(Principal principal) implements Verdict {}

  /** Missing or unknown credentials: HTTP 401, gRPC {@code UNAUTHENTICATED}. */
  record Unauthenticated(String reason) implements Verdict {}

  /** A valid token without what the request needs: HTTP 403, gRPC {@code PERMISSION_DENIED}. */
  record Forbidden(String reason) implements Verdict {}
}
