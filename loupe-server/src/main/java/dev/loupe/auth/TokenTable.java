package dev.loupe.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The known tokens, by hash only. A lookup compares the presented token's hash with every entry in constant time. */
final class TokenTable {
  static final TokenTable EMPTY = new TokenTable(List.of());

  private final byte[][] hashes;
  private final Principal[] principals;

  TokenTable(List<TokenConfig> tokens) {
    AuthConfig.uniqueNames(tokens);
    hashes = new byte[tokens.size()][];
    principals = new Principal[tokens.size()];
    for (int i = 0; i < tokens.size(); i++) {
      hashes[i] = HexFormat.of().parseHex(tokens.get(i).sha256());
      principals[i] = tokens.get(i).principal();
    }
  }

  int size() {
    return hashes.length;
  }

  /**
   * The principal of {@code token}, or null; with {@code user} non-null (basic auth) the token's
   * name must be that user too. Every entry is compared, so the time does not say which matched.
   */
  Principal find(String token, String user) {
    byte[] presented = sha256(token);
    Principal found = null;
    for (int i = 0; i < hashes.length; i++) {
      if (MessageDigest.isEqual(hashes[i], presented)) found = principals[i];
    }
    if (found != null && user != null && !user.equals(found.name())) return null;
    return found;
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
