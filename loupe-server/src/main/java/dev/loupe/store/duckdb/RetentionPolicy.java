package dev.loupe.store.duckdb;

import dev.loupe.store.RecordType;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * How long each record type is kept. Types left out keep the defaults (30 days raw, 400 rollups
 * and deployments, 90 pipeline runs: a weekday baseline needs weeks of them).
 */
public record RetentionPolicy(Map<RecordType, Duration> retention) {
  public RetentionPolicy {
    EnumMap<RecordType, Duration> full = new EnumMap<>(RecordType.class);
    for (RecordType t : RecordType.values()) {
      full.put(t, t == RecordType.ROLLUP || t == RecordType.DEPLOYMENT ? Duration.ofDays(400)
          : t == RecordType.PIPELINE_RUN ? Duration.ofDays(90) : Duration.ofDays(30));
    }
    full.putAll(retention);
    retention = java.util.Collections.unmodifiableMap(full);
  }

  public Duration of(RecordType type) {
    return retention.get(type);
  }
}
