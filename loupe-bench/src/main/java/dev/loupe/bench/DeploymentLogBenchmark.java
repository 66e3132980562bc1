package dev.loupe.bench;

import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.model.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The rollout history: adding 100,000 deployments over 200 deployments, in random time order (as
 * a start-up reload or a back-fill batch does), into an empty log. One op = the whole 100,000.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class DeploymentLogBenchmark {
  static final int ROLLOUTS = 100_000;
  List<Deployment> rollouts;

  @Setup
  public void setUp() {
    Random random = new Random(9);
    long yearAgo = 1_780_000_000_000L;
    rollouts = new ArrayList<>(ROLLOUTS);
    for (int i = 0; i < ROLLOUTS; i++) {
      long t = yearAgo + (long) (random.nextDouble() * 365 * 86_400_000L);
      rollouts.add(new Deployment(t, "svc", "dep-" + random.nextInt(200), "m", "v" + i, "v" + (i + 1)));
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public DeploymentLog add100k() {
    DeploymentLog log = new DeploymentLog();
    for (Deployment d : rollouts) log.add(d);
    return log;
  }
}
