package dev.loupe.auth;

import java.util.Locale;

/** What a token may do: {@code write} (ingest), {@code read} (API, page data, /metrics), {@code admin} (rules, config views). */
public enum Scope {
  WRITE, READ, ADMIN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scope written {@code name} in config, or an error listing the valid ones. */
  public static Scope fromWireName(String name) {
    for (Scope s : values()) {
      if (s.wireName().equals(name)) return s;
    }
    throw new IllegalArgumentException("unknown scope '" + name + "' (valid: write, read, admin)");
  }
}
