package dev.loupe.store;

import java.util.Locale;

/** The kinds of record the store keeps, each with its own retention. */
public enum RecordType {
  INFERENCE,
  LOG,
  DEPLOYMENT,
  SCORE,
  SAMPLE,
  SPAN,
  ROLLUP,
  /** A data pipeline's run; config name {@code pipeline_run}. */
  PIPELINE_RUN;

  /** The name used in config ({@code retention.inference}) and in metrics labels. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
