package dev.loupe.dimension.model;

import dev.loupe.model.InferenceRollup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.dimension.model.ReportedFigure.Measure;
import dev.loupe.model.SeriesKey;
import dev.loupe.testing.TestClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Figures reported by metrics feed the windows; calls seen one by one win, group by group. */
class ReportedFiguresTest {
  static final SeriesKey KEY = new SeriesKey("my-aoai", "gpt4o-prod", "gpt-4o", "2024-08-06");
  static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

  final TestClock clock = new TestClock(T0.plusSeconds(300));
  final InferenceWindows windows = new InferenceWindows(clock);

  long at(int minute) {
    return T0.plusSeconds(minute * 60L).toEpochMilli();
  }

  ReportedFigure amount(int minute, Measure m, double v) {
    return ReportedFigure.amount(KEY, at(minute), m, v);
  }

  @Test
  void metricsAloneGiveRequestsThrottlingTokensAndTimeToFirstToken() {
    windows.recordReported(List.of(
        amount(4, Measure.REQUESTS, 120), amount(4, Measure.THROTTLED, 30),
        amount(4, Measure.INPUT_TOKENS, 9000), amount(4, Measure.OUTPUT_TOKENS, 3000),
        new ReportedFigure(KEY, at(4), Measure.TTFT_MS, 400, 90),
        new ReportedFigure(KEY, at(4), Measure.TTFT_MS, 2000, 10)));
    WindowStats s = windows.stats(KEY, InferenceWindows.ONE_MINUTE).orElseThrow();
    assertThat(s.requests()).isEqualTo(120);
    assertThat(s.throttledRatio()).isCloseTo(0.25, within(1e-9));
    assertThat(s.totalTokens()).isEqualTo(12000);
    assertThat(s.ttftP95Ms()).as("the weight of each value counts").isEqualTo(2000);
    assertThat(windows.lastReceivedMillis()).isEqualTo(clock.millis());
  }

  @Test
  void callsWinOverMetricsForTheSameFiguresButMetricsFillWhatCallsLack() {
    List<dev.loupe.model.Inference> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      // As an Azure RequestResponse log describes a call: duration and status, no tokens, no TTFT.
      calls.add(new dev.loupe.model.Inference(at(4) + i * 1000, KEY, "chat", null, null, null, null, null, null,
          null, 800.0, null, dev.loupe.model.Outcome.OK, 200, null, null, null, null, null, null));
    }
    windows.record(calls);
    windows.recordReported(List.of(
        amount(4, Measure.REQUESTS, 10), amount(4, Measure.INPUT_TOKENS, 500),
        new ReportedFigure(KEY, at(4), Measure.TTFT_MS, 300, 10)));
    WindowStats s = windows.stats(KEY, InferenceWindows.ONE_MINUTE).orElseThrow();
    assertThat(s.requests()).as("the same ten calls are not counted twice").isEqualTo(10);
    assertThat(s.latencyP50Ms()).isEqualTo(800);
    assertThat(s.inputTokens()).as("tokens only the metric knows").isEqualTo(500);
    assertThat(s.ttftP95Ms()).isEqualTo(300);
  }

  @Test
  void closedMinutesAreRolledUpWithWhatWasReported() {
    windows.recordReported(List.of(amount(3, Measure.REQUESTS, 7), amount(3, Measure.OUTPUT_TOKENS, 70)));
    List<InferenceRollup> rollups = windows.takeChangedClosedMinutes(at(4));
    assertThat(rollups).hasSize(1);
    assertThat(rollups.get(0).requests()).isEqualTo(7);
    assertThat(rollups.get(0).outputTokens()).isEqualTo(70);
    assertThat(windows.takeChangedClosedMinutes(at(4))).as("handed out once").isEmpty();
  }

  @Test
  void figuresOutsideTheHourAreNotKept() {
    clock.set(T0.plusSeconds(3 * 3600));
    windows.recordReported(List.of(amount(4, Measure.REQUESTS, 5)));
    assertThat(windows.stats(InferenceWindows.ONE_HOUR)).isEmpty();
  }
}
