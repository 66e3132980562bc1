package dev.loupe.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Decides whether a request's {@code Authorization} value may do what it asks. Accepts
 * {@code Bearer <token>} and, for Prometheus, {@code Basic} with the token's name as user and the
 * token as password. With no tokens configured every request is {@link Principal#ANONYMOUS}.
 *
 * <pre>{@code
 * Authenticator auth = Authenticator.of(config.auth());
 * Verdict v = auth.check(request.header("Authorization"), Scope.WRITE);
 * }</pre>
 */
public final class Authenticator {
  private final Supplier<TokenTable> tokens;
  private final boolean enabled;

  private Authenticator(Supplier<TokenTable> tokens, boolean enabled) {
    this.tokens = tokens;
    this.enabled = enabled;
  }

  /** From the {@code auth} config; reads {@code tokens_file} now and fails with a message naming it if it is unusable. */
  public static Authenticator of(AuthConfig config) {
    if (!config.enabled()) return new Authenticator(() -> TokenTable.EMPTY, false);
    if (config.tokensFile() == null) {
      TokenTable table = new TokenTable(config.tokens());
      return new Authenticator(() -> table, true);
    }
    TokenFile file = new TokenFile(Path.of(config.tokensFile()), config.tokens());
    return new Authenticator(file::table, true);
  }

  /** Whether requests need a token. */
  public boolean enabled() {
    return enabled;
  }

  /** The verdict on {@code authorization} (the header's value, null when absent) for a request needing {@code scope}. */
  public Verdict check(String authorization, Scope scope) {
    if (!enabled) return new Verdict.Allowed(Principal.ANONYMOUS);
    if (authorization == null || authorization.isBlank()) {
      return new Verdict.Unauthenticated("a token is required: send Authorization: Bearer <token>");
    }
    String value = authorization.trim();
    int space = value.indexOf(' ');
    String scheme = space < 0 ? value : value.substring(0, space);
    String credentials = space < 0 ? "" : value.substring(space + 1).trim();
    Principal p;
    switch (scheme.toLowerCase(Locale.ROOT)) {
      case "bearer" -> p = credentials.isEmpty() ? null : tokens.get().find(credentials, null);
      case "basic" -> p = basic(credentials);
      default -> {
        return new Verdict.Unauthenticated("unsupported Authorization scheme '" + scheme + "': use Bearer (or Basic)");
      }
    }
    if (p == null) return new Verdict.Unauthenticated("the token is not valid");
    if (!p.may(scope)) {
      return new Verdict.Forbidden("token '" + p.name() + "' lacks scope " + scope.wireName()
          + " (it has " + p.scopes().stream().map(Scope::wireName).sorted().toList() + ")");
    }
    return new Verdict.Allowed(p);
  }

  private Principal basic(String credentials) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0 || colon == decoded.length() - 1) return null;
    return tokens.get().find(decoded.substring(colon + 1), decoded.substring(0, colon));
  }
}
