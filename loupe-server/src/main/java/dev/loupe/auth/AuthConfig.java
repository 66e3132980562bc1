package dev.loupe.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code auth} section of {@code loupe.yml}: tokens given inline and/or in a file that is
 * re-read when it changes. With neither, requests are anonymous and Loupe listens on loopback
 * only unless {@code allow_anonymous} says otherwise.
 */
public record AuthConfig(
    List<TokenConfig> tokens,
    @JsonProperty("tokens_file") String tokensFile,
    @JsonProperty("allow_anonymous") Boolean allowAnonymous) {
  public static final AuthConfig NONE = new AuthConfig(null, null, null);

  public AuthConfig {
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
    allowAnonymous = allowAnonymous != null && allowAnonymous;
    uniqueNames(tokens);
    if (tokensFile != null && tokensFile.isBlank()) {
      throw new IllegalArgumentException("tokens_file must name a file");
    }
    if (allowAnonymous && (!tokens.isEmpty() || tokensFile != null)) {
      throw new IllegalArgumentException("allow_anonymous: true and tokens are exclusive: with tokens every request needs one");
    }
  }

  /** Whether requests need a token. */
  public boolean enabled() {
    return !tokens.isEmpty() || tokensFile != null;
  }

  static void uniqueNames(List<TokenConfig> tokens) {
    Set<String> names = new HashSet<>();
    for (TokenConfig t : tokens) {
      if (!names.add(t.name())) throw new IllegalArgumentException("token name '" + t.name() + "' is used twice");
    }
  }
}
