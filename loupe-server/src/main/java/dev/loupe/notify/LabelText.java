package dev.loupe.notify;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** A label set or matcher list written as Alertmanager writes group keys: {@code {a="1", b="2"}}. */
final class LabelText {
  private LabelText() {}

  static String of(Map<String, String> labels) {
    return new TreeMap<>(labels).entrySet().stream()
        .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(", ", "{", "}"));
  }
}
