package dev.loupe.store.duckdb;

import dev.loupe.store.RecordType;
import dev.loupe.store.Store;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes what is older than its retention; the server schedules it. */
public final class RetentionJob implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

  private final Store store;
  private final RetentionPolicy policy;
  private final Clock clock;

  public RetentionJob(Store store, RetentionPolicy policy, Clock clock) {
    this.store = store;
    this.policy = policy;
    this.clock = clock;
  }

  @Override
  public void run() {
    long now = clock.millis();
    for (RecordType type : RecordType.values()) {
      long deleted = store.deleteOlderThan(type, now - policy.of(type).toMillis());
      if (deleted > 0) {
        LOG.info("retention deleted {} {} records older than {}", deleted, type.configName(), policy.of(type));
      }
    }
  }
}
