package dev.loupe.dimension.model;

import dev.loupe.model.Checks;
import dev.loupe.model.Deployment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The recent model versions that went live, as reported to {@code /api/v1/deployments}: per
 * (deployment, service) the last {@link #KEPT_PER_DEPLOYMENT} rollouts by time, which is all the
 * judges read (the version live now and the one before it). The whole history stays in the store
 * ({@code GET /api/v1/deployments} reads it from there), so memory does not grow with it and an add
 * costs O(log {@value #KEPT_PER_DEPLOYMENT}) whatever the order rollouts arrive in. Thread-safe.
 */
public final class DeploymentLog {
  /** Rollouts kept per deployment: the judges need two; a few more absorb late, out-of-order ones. */
  public static final int KEPT_PER_DEPLOYMENT = 8;

  private record Key(String deployment, String service) {}

  private final Map<Key, TreeMap<Long, Deployment>> recent = new HashMap<>();

  public synchronized void add(Deployment d) {
    TreeMap<Long, Deployment> byTime = recent.computeIfAbsent(new Key(d.deployment(), d.service()), k -> new TreeMap<>());
    // A later report of the same instant wins, as it did when the list was re-sorted stably.
    byTime.put(d.timestampMillis(), d);
    if (byTime.size() > KEPT_PER_DEPLOYMENT) byTime.pollFirstEntry();
  }

  /**
   * The most recent rollout on the deployment (matched by deployment name and service; a rollout
   * reported without a service matches every service).
   */
  public synchronized Optional<Deployment> latest(String service, String deployment) {
    Deployment exact = newest(new Key(deployment, service));
    Deployment anyService = Checks.UNKNOWN.equals(service) ? null : newest(new Key(deployment, Checks.UNKNOWN));
    if (exact == null) return Optional.ofNullable(anyService);
    if (anyService == null) return Optional.of(exact);
    return Optional.of(anyService.timestampMillis() > exact.timestampMillis() ? anyService : exact);
  }

  /** The kept rollouts of one (deployment, service), oldest first; at most {@link #KEPT_PER_DEPLOYMENT}. */
  public synchronized List<Deployment> recent(String service, String deployment) {
    TreeMap<Long, Deployment> byTime = recent.get(new Key(deployment, service));
    return byTime == null ? List.of() : List.copyOf(byTime.values());
  }

  /** The most recent rollout of every (deployment, service) that has one. */
  public synchronized List<Deployment> latestOfEach() {
    List<Deployment> out = new java.util.ArrayList<>();
    for (TreeMap<Long, Deployment> byTime : recent.values()) {
      if (!byTime.isEmpty()) out.add(byTime.lastEntry().getValue());
    }
    return out;
  }

  private Deployment newest(Key key) {
    TreeMap<Long, Deployment> byTime = recent.get(key);
    return byTime == null || byTime.isEmpty() ? null : byTime.lastEntry().getValue();
  }
}
