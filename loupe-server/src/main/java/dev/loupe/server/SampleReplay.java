package dev.loupe.server;

import dev.loupe.model.Sample;
import dev.loupe.store.Store;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a start, feeds the judges that live on metrics (compute, network) the recent samples they
 * judge from, so a GPU hot for ten minutes before a restart is still judged on those ten minutes.
 * Replays one minute at a time to bound memory.
 */
final class SampleReplay {
  private static final Logger LOG = LoggerFactory.getLogger(SampleReplay.class);
  private static final long MINUTE = 60_000;

  private SampleReplay() {}

  static void run(Store store, List<String> prefixes, Duration history, long now, List<Consumer<List<Sample>>> observers) {
    if (prefixes.isEmpty() || observers.isEmpty()) return;
    long replayed = 0;
    for (long m = now - history.toMillis(); m <= now; m += MINUTE) {
      List<Sample> minute = store.samplesByNamePrefix(prefixes, m, Math.min(m + MINUTE, now + 1), Integer.MAX_VALUE);
      if (minute.isEmpty()) continue;
      for (Consumer<List<Sample>> o : observers) o.accept(minute);
      replayed += minute.size();
    }
    LOG.info("replayed {} samples of the last {} into the metric-fed judges", replayed, DurationText.format(history));
  }
}
