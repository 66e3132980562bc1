package dev.loupe.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.model.quality.HeuristicScorer;
import dev.loupe.dimension.model.quality.HeuristicSettings;
import dev.loupe.dimension.model.quality.RequestContext;
import dev.loupe.model.Inference;
import dev.loupe.model.Score;
import dev.loupe.model.SeriesKey;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The demo's answers, measured by Loupe's own groundedness evaluator: the fine-tune's are ~15 % less grounded. */
class AnswerTextTest {
  @Test
  void theFineTunesAnswersAreAboutFifteenPercentLessGrounded() {
    double before = meanGroundedness(DemoSimulator.GROUNDED, 1);
    double after = meanGroundedness(DemoSimulator.FINE_TUNE_GROUNDED, 2);
    assertThat((after - before) / before).isBetween(-0.20, -0.12);
  }

  private static double meanGroundedness(double share, long seed) {
    HeuristicScorer scorer = new HeuristicScorer(HeuristicSettings.DEFAULTS);
    Random random = new Random(seed);
    double sum = 0;
    int n = 0;
    for (int i = 0; i < 2000; i++) {
      AnswerText.Rag rag = AnswerText.rag(random, share);
      Inference inf = new Inference(1_795_000_000_000L, new SeriesKey("s", "d", "m", "v"), "chat", "r-" + i, null,
          null, null, null, null, null, 100.0, null, null, null, "stop", null, null, rag.prompt(), rag.completion(), null);
      for (Score s : scorer.score(inf, RequestContext.retrieved(List.of(rag.document())))) {
        if (s.name().equals("groundedness")) {
          sum += s.value();
          n++;
        }
      }
    }
    assertThat(n).isGreaterThan(1500);
    return sum / n;
  }
}
