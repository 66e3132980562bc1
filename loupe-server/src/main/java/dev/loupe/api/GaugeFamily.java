package dev.loupe.api;

import java.util.List;
import java.util.Map;

/** One gauge metric family for {@code /metrics}: its name (with unit suffix), help and points. */
public record GaugeFamily(String name, String help, List<Point> points) {
  /** A value with its labels. */
  public record Point(Map<String, String> labels, double value) {}

  public GaugeFamily {
    points = List.copyOf(points);
  }
}
