package dev.loupe.dimension.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Deployment;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeploymentLogTest {
  static final long T0 = 1_780_000_000_000L;
  static final int DEPLOYMENTS = 100;
  static final int ROLLOUTS_EACH = 1_000;

  /** Rollout {@code n} of deployment {@code dep} goes from v(n) to v(n+1) at T0 + n minutes (+ dep ms). */
  static Deployment rollout(int dep, int n) {
    return new Deployment(T0 + n * 60_000L + dep, "svc", "dep-" + dep, "m", "v" + n, "v" + (n + 1));
  }

  static List<Deployment> shuffledHistory() {
    List<Deployment> all = new ArrayList<>(DEPLOYMENTS * ROLLOUTS_EACH);
    for (int dep = 0; dep < DEPLOYMENTS; dep++) {
      for (int n = 0; n < ROLLOUTS_EACH; n++) all.add(rollout(dep, n));
    }
    Collections.shuffle(all, new Random(4));
    return all;
  }

  @Test
  void afterAHundredThousandAddsInRandomOrderEachDeploymentKnowsItsCurrentAndPreviousVersion() {
    DeploymentLog log = new DeploymentLog();
    shuffledHistory().forEach(log::add);
    for (int dep = 0; dep < DEPLOYMENTS; dep++) {
      int last = ROLLOUTS_EACH - 1;
      assertThat(log.latest("svc", "dep-" + dep)).contains(rollout(dep, last));
      List<Deployment> recent = log.recent("svc", "dep-" + dep);
      assertThat(recent).hasSizeLessThanOrEqualTo(DeploymentLog.KEPT_PER_DEPLOYMENT);
      assertThat(recent.subList(recent.size() - 2, recent.size()))
          .containsExactly(rollout(dep, last - 1), rollout(dep, last));
    }
  }

  @Test
  void oldRolloutsAreNotHeldInMemory() {
    DeploymentLog log = new DeploymentLog();
    Deployment first = rollout(0, 0);
    WeakReference<Deployment> firstRef = new WeakReference<>(first);
    log.add(first);
    first = null;
    for (int n = 1; n < ROLLOUTS_EACH; n++) log.add(rollout(0, n));
    // Bounded: a collector that still finds the first rollout reachable after this many cycles holds it.
    for (int i = 0; i < 50 && firstRef.get() != null; i++) System.gc();
    assertThat(firstRef.get()).as("the first of 1,000 rollouts is still referenced").isNull();
    assertThat(log.latest("svc", "dep-0")).contains(rollout(0, ROLLOUTS_EACH - 1));
  }

  @Test
  void aRolloutWithoutServiceCountsForEveryServiceAndTheNewerWins() {
    DeploymentLog log = new DeploymentLog();
    Deployment withService = new Deployment(T0, "svc", "chat", "m", "v1", "v2");
    Deployment noService = new Deployment(T0 + 1, null, "chat", "m", "v2", "v3");
    log.add(noService);
    log.add(withService);
    assertThat(log.latest("svc", "chat")).contains(noService);
    assertThat(log.latest("other", "chat")).contains(noService);
    assertThat(log.latest("svc", "search")).isEmpty();
    Deployment later = new Deployment(T0 + 2, "svc", "chat", "m", "v3", "v4");
    log.add(later);
    assertThat(log.latest("svc", "chat")).contains(later);
    assertThat(log.latest("other", "chat")).contains(noService);
  }
}
