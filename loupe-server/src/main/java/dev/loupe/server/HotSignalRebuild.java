package dev.loupe.server;

import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.model.InferenceRollup;
import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.model.Inference;
import dev.loupe.model.SeriesKey;
import dev.loupe.store.Store;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refills the hot windows after a start: closed minutes from the stored rollups (sketches, so
 * nothing is re-scanned), and only the minutes not rolled up yet from raw events, one minute at a
 * time to bound memory. Also reloads the rollout history.
 */
final class HotSignalRebuild {
  private static final Logger LOG = LoggerFactory.getLogger(HotSignalRebuild.class);
  private static final long MINUTE = 60_000;

  private HotSignalRebuild() {}

  static void run(Store store, InferenceWindows windows, DeploymentLog deployments, long now, Duration deploymentHistory) {
    long from = Math.floorDiv(now - InferenceWindows.ONE_HOUR.toMillis() - MINUTE, MINUTE) * MINUTE;
    List<InferenceRollup> rollups = store.rollups(from, now + MINUTE);
    Set<String> rolled = new HashSet<>();
    long newestRolled = from - MINUTE;
    int damaged = 0;
    RuntimeException firstDamage = null;
    for (InferenceRollup r : rollups) {
      try {
        windows.load(r);
      } catch (RuntimeException unreadableSketch) {
        // A start never fails on stored data: the minute is rebuilt from its raw events instead.
        damaged++;
        if (firstDamage == null) firstDamage = unreadableSketch;
        continue;
      }
      rolled.add(id(r.key(), r.minuteMillis()));
      newestRolled = Math.max(newestRolled, r.minuteMillis());
    }
    if (damaged > 0) {
      LOG.warn("skipped {} stored minute rollups whose sketches cannot be read (first: {}); their minutes are"
          + " rebuilt from raw events", damaged, firstDamage.getMessage());
    }
    long raw = 0;
    // A few minutes before the newest rollup too: another series may not have been rolled up yet.
    for (long m = Math.max(from, newestRolled - 2 * MINUTE); m <= now; m += MINUTE) {
      List<Inference> minute = store.inferences(m, m + MINUTE, Integer.MAX_VALUE);
      final long minuteStart = m;
      List<Inference> missing =
          minute.stream().filter(i -> !rolled.contains(id(i.key(), minuteStart))).toList();
      windows.record(missing);
      raw += missing.size();
    }
    // Only what the log keeps: reading a year of rollouts would make start-up grow with history.
    store.latestDeployments(now - deploymentHistory.toMillis(), DeploymentLog.KEPT_PER_DEPLOYMENT)
        .forEach(deployments::add);
    LOG.info("hot signals rebuilt from {} minute rollups and {} raw inferences", rollups.size(), raw);
  }

  private static String id(SeriesKey key, long minute) {
    return minute + "\u0000" + key;
  }
}
