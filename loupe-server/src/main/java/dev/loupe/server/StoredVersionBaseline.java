package dev.loupe.server;

import dev.loupe.dimension.model.RollupPoint;
import dev.loupe.dimension.model.RollupQuery;
import dev.loupe.dimension.model.VersionBaseline;
import dev.loupe.model.LabelMatcher;
import dev.loupe.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A version's P95 latency over its stored rollups of the last 30 days, for versions that no
 * longer serve within the hot hour. Cached for a minute: it changes slowly and health is
 * evaluated often.
 */
final class StoredVersionBaseline implements VersionBaseline {
  private static final Duration HISTORY = Duration.ofDays(30);
  private static final long CACHE_MILLIS = 60_000;

  private record Cached(long atMillis, OptionalDouble value) {}

  private final Store store;
  private final Clock clock;
  private final ConcurrentHashMap<List<String>, Cached> cache = new ConcurrentHashMap<>();

  StoredVersionBaseline(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public OptionalDouble latencyP95Ms(String service, String deployment, String modelVersion) {
    long now = clock.millis();
    List<String> key = List.of(service, deployment, modelVersion);
    Cached c = cache.get(key);
    if (c == null || now - c.atMillis() > CACHE_MILLIS) {
      c = new Cached(now, query(service, deployment, modelVersion, now));
      cache.put(key, c);
    }
    return c.value();
  }

  private OptionalDouble query(String service, String deployment, String version, long now) {
    long span = HISTORY.toMillis();
    List<RollupPoint> points =
        store.rollupRange(
            new RollupQuery(now, now, span, span,
                List.of(LabelMatcher.eq("service", service), LabelMatcher.eq("deployment", deployment),
                    LabelMatcher.eq("model_version", version))));
    long count = 0;
    double weighted = 0;
    for (RollupPoint p : points) {
      if (p.latencyCount() > 0 && !Double.isNaN(p.latencyP95Ms())) {
        count += p.latencyCount();
        weighted += p.latencyP95Ms() * p.latencyCount();
      }
    }
    return count == 0 ? OptionalDouble.empty() : OptionalDouble.of(weighted / count);
  }
}
