package dev.loupe.dimension.security;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A deployment's settings for the text detectors.
 *
 * @param canaries canary tokens by name (the name is what findings show; the token never is);
 *     tokens shorter than 8 characters are refused, as they would match by chance
 * @param allowedLinkDomains domains a completion may link to or embed images from; a domain allows
 *     its subdomains. Empty: only links and images that carry data are reported
 */
public record SecuritySettings(Map<String, String> canaries, Set<String> allowedLinkDomains) {
  public static final SecuritySettings DEFAULTS = new SecuritySettings(Map.of(), Set.of());
  static final int MIN_CANARY_LENGTH = 8;

  public SecuritySettings {
    canaries = Map.copyOf(new TreeMap<>(canaries == null ? Map.of() : canaries));
    canaries.forEach((name, token) -> {
      if (name.isBlank()) throw new IllegalArgumentException("canary name must not be empty");
      if (token == null || token.strip().length() < MIN_CANARY_LENGTH) {
        throw new IllegalArgumentException("canary '" + name + "' must be at least " + MIN_CANARY_LENGTH + " characters");
      }
    });
    TreeSet<String> domains = new TreeSet<>();
    for (String d : allowedLinkDomains == null ? Set.<String>of() : allowedLinkDomains) {
      String clean = d.strip().toLowerCase(Locale.ROOT);
      if (clean.startsWith("*.")) clean = clean.substring(2);
      if (clean.isEmpty() || clean.contains("/")) {
        throw new IllegalArgumentException("allowed link domain must be a host name like docs.acme.com, got '" + d + "'");
      }
      domains.add(clean);
    }
    allowedLinkDomains = Set.copyOf(domains);
  }

  boolean allows(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String d : allowedLinkDomains) {
      if (h.equals(d) || h.endsWith("." + d)) return true;
    }
    return false;
  }
}
