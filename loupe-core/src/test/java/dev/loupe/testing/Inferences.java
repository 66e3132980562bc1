package dev.loupe.testing;

import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.SeriesKey;

/** Builds inferences for tests with only what a test cares about. */
public final class Inferences {
  private Inferences() {}

  public static Inference ok(long ts, SeriesKey key, double latencyMs) {
    return of(ts, key, latencyMs, Outcome.OK);
  }

  public static Inference of(long ts, SeriesKey key, double latencyMs, Outcome outcome) {
    return new Inference(ts, key, "chat", null, null, null, null, 100L, 20L, null, latencyMs,
        latencyMs / 4, outcome, null, null, null, null, null, null, null);
  }
}
