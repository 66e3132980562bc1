package dev.loupe.dimension.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.HealthStatus;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CostDimensionJudgeTest {
  static final long T = 1_795_860_000_000L;

  @Test
  void noDataUntilSomethingIsPricedAndAgainAfterFifteenMinutesWithout() {
    AtomicLong inference = new AtomicLong();
    AtomicLong gpu = new AtomicLong();
    CostDimensionJudge judge = new CostDimensionJudge(inference::get, gpu::get, T);
    assertThat(judge.judge(T + 1000).status()).isEqualTo(HealthStatus.NO_DATA);
    assertThat(judge.judge(T + 1000).reasons().get(0)).contains("no priced inference and no priced GPU");
    gpu.set(T + 2000);
    assertThat(judge.judge(T + 3000).status()).as("a priced GPU reporting is spend").isEqualTo(HealthStatus.OK);
    gpu.set(0);
    inference.set(T + 60_000);
    assertThat(judge.judge(T + 60_000 + 15 * 60_000).status()).isEqualTo(HealthStatus.OK);
    assertThat(judge.judge(T + 60_000 + 15 * 60_000 + 1).status()).isEqualTo(HealthStatus.NO_DATA);
  }
}
