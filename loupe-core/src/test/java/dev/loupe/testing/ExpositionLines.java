package dev.loupe.testing;

import dev.loupe.model.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a few lines of Prometheus text exposition, pasted into a test, into samples. Test code
 * only, and only for the simple lines of exporter output: no escapes, no commas inside values.
 */
public final class ExpositionLines {
  private ExpositionLines() {}

  public static List<Sample> parse(String text, long timestampMillis) {
    List<Sample> out = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      int brace = line.indexOf('{');
      int close = line.lastIndexOf('}');
      String name;
      Map<String, String> labels = new TreeMap<>();
      String value;
      if (brace < 0) {
        String[] parts = line.split("\\s+");
        name = parts[0];
        value = parts[1];
      } else {
        name = line.substring(0, brace);
        for (String pair : line.substring(brace + 1, close).split("\",")) {
          if (pair.isBlank()) continue;
          int eq = pair.indexOf('=');
          labels.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).replace("\"", ""));
        }
        value = line.substring(close + 1).strip().split("\\s+")[0];
      }
      out.add(new Sample(name, labels, timestampMillis, Double.parseDouble(value)));
    }
    return out;
  }
}
