package dev.loupe.dimension.security;

import java.util.Locale;

/** Whose consumption is watched: an API key (its hash), a user or a tenant. */
public record ConsumptionSubject(Kind kind, String id) {
  /** The kind of subject. */
  public enum Kind {
    API_KEY, USER, TENANT;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ConsumptionSubject {
    if (kind == null) throw new IllegalArgumentException("subject kind is required");
    if (id == null || id.isBlank()) throw new IllegalArgumentException("subject id is required");
  }

  /** "API key sha256:ab12…", "user u-7", "tenant acme". */
  public String describe() {
    return switch (kind) {
      case API_KEY -> "API key " + id;
      case USER -> "user " + id;
      case TENANT -> "tenant " + id;
    };
  }
}
