package dev.loupe.dimension.network;

import java.util.Map;

/** Label look-ups shared by the port and probe keys. */
final class NetworkLabels {
  private NetworkLabels() {}

  static String first(Map<String, String> labels, String... names) {
    for (String n : names) {
      String v = labels.get(n);
      if (v != null && !v.isBlank()) return v;
    }
    return null;
  }
}
