package dev.loupe.dimension;

/**
 * Remembers since when a dimension has held its status, so that an ok dimension keeps the time it
 * became ok instead of reporting the current instant on every evaluation. Not thread-safe: the
 * judge that owns it synchronizes.
 */
public final class StatusSince {
  private HealthStatus status;
  private long sinceMillis;

  /** The same health, with {@code sinceMillis} of an ok status carried over from earlier calls. */
  public DimensionHealth stamp(DimensionHealth health, long nowMillis) {
    if (health.status() != status) {
      status = health.status();
      sinceMillis = health.sinceMillis() == null ? nowMillis : health.sinceMillis();
    }
    if (health.status() == HealthStatus.OK) {
      return new DimensionHealth(HealthStatus.OK, health.reasons(), sinceMillis, health.findings());
    }
    return health;
  }
}
