package dev.loupe.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One configured token: a name (the user name of HTTP basic auth), the SHA-256 of the token, its
 * scopes and an optional tenant. Config gives either {@code token} (hashed here; the clear text is
 * not kept) or {@code token_sha256}. Tokens are random secrets of at least 16 characters, so a
 * plain SHA-256 is enough; a slow password hash would only slow every request.
 */
public record TokenConfig(String name, String sha256, Set<Scope> scopes, String tenant) {
  static final int MIN_TOKEN_LENGTH = 16;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

  public TokenConfig {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name is required: 1..64 of letters, digits, '.', '_', '-' (got "
          + (name == null ? "none" : "'" + name + "'") + ")");
    }
    if (sha256 == null || !HEX64.matcher(sha256).matches()) {
      throw new IllegalArgumentException("token '" + name + "': token_sha256 must be 64 hex digits");
    }
    sha256 = sha256.toLowerCase(Locale.ROOT);
    if (scopes == null || scopes.isEmpty()) {
      throw new IllegalArgumentException("token '" + name + "': scopes is required (any of write, read, admin)");
    }
    scopes = Set.copyOf(scopes);
    if (tenant != null && tenant.isBlank()) {
      throw new IllegalArgumentException("token '" + name + "': tenant must not be empty (leave it out for all tenants)");
    }
    if (tenant != null && scopes.contains(Scope.ADMIN)) {
      throw new IllegalArgumentException("token '" + name + "': a token bound to tenant '" + tenant
          + "' cannot have scope admin (rules and config are not per tenant)");
    }
  }

  /** How {@code loupe.yml} and the tokens file write a token. */
  @JsonCreator
  public static TokenConfig fromConfig(
      @JsonProperty("name") String name,
      @JsonProperty("token") String token,
      @JsonProperty("token_sha256") String tokenSha256,
      @JsonProperty("scopes") List<String> scopes,
      @JsonProperty("tenant") String tenant) {
    String label = name == null ? "(unnamed)" : "'" + name + "'";
    if ((token == null) == (tokenSha256 == null)) {
      throw new IllegalArgumentException("token " + label + ": give exactly one of token or token_sha256");
    }
    if (token != null && token.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException("token " + label + ": token must be at least " + MIN_TOKEN_LENGTH
          + " characters (e.g. openssl rand -hex 24)");
    }
    Set<Scope> parsed = EnumSet.noneOf(Scope.class);
    if (scopes != null) {
      for (String s : scopes) parsed.add(Scope.fromWireName(s));
    }
    return new TokenConfig(name, token != null ? sha256Hex(token) : tokenSha256, parsed, tenant);
  }

  public Principal principal() {
    return new Principal(name, scopes, tenant);
  }

  /** The hex SHA-256 of a token, as {@code token_sha256} is written ({@code printf %s TOKEN | sha256sum}). */
  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(TokenTable.sha256(token));
  }

  @Override
  public String toString() {
    return "TokenConfig[name=" + name + ", scopes=" + scopes + ", tenant=" + tenant + "]";
  }
}
