package dev.loupe.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Turns an API key into the stable, non-reversible id Loupe keeps instead of the key. */
public final class ApiKeyHash {
  private ApiKeyHash() {}

  /** {@code "sha256:"} and the first 16 hex digits of SHA-256 of the key; null for null. */
  public static String of(String apiKey) {
    if (apiKey == null || apiKey.isEmpty()) {
      return null;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
