package dev.loupe.dimension;

import dev.loupe.model.Dimension;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** The six dimensions' health at one moment; the overall status is the worst of them. */
public record HealthReport(long evaluatedAtMillis, Map<Dimension, DimensionHealth> dimensions) {
  public HealthReport {
    EnumMap<Dimension, DimensionHealth> copy = new EnumMap<>(Dimension.class);
    copy.putAll(dimensions);
    for (Dimension d : Dimension.values()) {
      if (!copy.containsKey(d)) {
        throw new IllegalArgumentException("health report lacks dimension " + d.wireName());
      }
    }
    dimensions = Collections.unmodifiableMap(copy);
  }

  public HealthStatus status() {
    HealthStatus worst = HealthStatus.NO_DATA;
    for (DimensionHealth h : dimensions.values()) {
      worst = worst.worst(h.status());
    }
    return worst;
  }
}
