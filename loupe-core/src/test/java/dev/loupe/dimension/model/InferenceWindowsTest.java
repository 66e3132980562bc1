package dev.loupe.dimension.model;

import dev.loupe.model.InferenceRollup;
import static dev.loupe.testing.Inferences.of;
import static dev.loupe.testing.Inferences.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.SeriesKey;
import dev.loupe.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class InferenceWindowsTest {
  static final SeriesKey KEY = new SeriesKey("chat-api", "chat-prod", "gpt-4o", "v1");
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  final TestClock clock = new TestClock(T0);
  final InferenceWindows windows = new InferenceWindows(clock);

  long at(int minute, int second) {
    return T0.plusSeconds(minute * 60L + second).toEpochMilli();
  }

  void tenPerMinute(int fromMinute, int toMinute) {
    List<Inference> batch = new ArrayList<>();
    for (int m = fromMinute; m < toMinute; m++) {
      for (int i = 0; i < 10; i++) batch.add(ok(at(m, i * 6), KEY, 100 + i));
    }
    windows.record(batch);
  }

  @Test
  void windowsCoverWholeMinutesBackFromNow() {
    clock.set(T0.plusSeconds(90 * 60)); // 11:30:00
    tenPerMinute(20, 90); // 10:20 .. 11:29
    clock.set(T0.plusSeconds(90 * 60 + 30)); // 11:30:30
    // 1 m: minutes starting 11:29 and 11:30 (the open one, empty) -> 10 requests over 90 s
    WindowStats one = windows.stats(KEY, InferenceWindows.ONE_MINUTE).orElseThrow();
    assertThat(one.requests()).isEqualTo(10);
    assertThat(one.coveredMillis()).isEqualTo(90_000);
    assertThat(one.requestsPerSecond()).isCloseTo(10 / 90.0, within(1e-9));
    assertThat(windows.stats(KEY, InferenceWindows.FIVE_MINUTES).orElseThrow().requests()).isEqualTo(50);
    // 1 h from 10:30:30 -> minutes 10:30 .. 11:29 = 60 minutes
    assertThat(windows.stats(KEY, InferenceWindows.ONE_HOUR).orElseThrow().requests()).isEqualTo(600);
    clock.advance(Duration.ofMinutes(3));
    assertThat(windows.stats(KEY, InferenceWindows.ONE_MINUTE)).isEmpty();
    assertThat(windows.stats(KEY, InferenceWindows.FIVE_MINUTES).orElseThrow().requests()).isEqualTo(20);
  }

  @Test
  void errorsAndThrottlesAreCountedButNotTimed() {
    clock.set(T0.plusSeconds(120));
    windows.record(List.of(
        ok(at(1, 0), KEY, 100), ok(at(1, 1), KEY, 200),
        of(at(1, 2), KEY, 90_000, Outcome.ERROR), of(at(1, 3), KEY, 5, Outcome.THROTTLED)));
    WindowStats s = windows.stats(KEY, InferenceWindows.FIVE_MINUTES).orElseThrow();
    assertThat(s.requests()).isEqualTo(4);
    assertThat(s.errorRatio()).isEqualTo(0.25);
    assertThat(s.throttledRatio()).isEqualTo(0.25);
    assertThat(s.latencyCount()).isEqualTo(2);
    assertThat(s.latencyP99Ms()).isLessThanOrEqualTo(200);
    assertThat(s.tokensPerMinute()).isCloseTo(480 * 60_000.0 / s.coveredMillis(), within(1e-6));
  }

  @Test
  void eventsOutsideTheHourOrFarAheadAreNotKept() {
    clock.set(T0.plusSeconds(120 * 60));
    windows.record(List.of(ok(at(0, 0), KEY, 1), ok(at(125, 0), KEY, 1), ok(at(120, 10), KEY, 1)));
    assertThat(windows.stats(KEY, InferenceWindows.ONE_HOUR).orElseThrow().requests()).isEqualTo(1);
  }

  @Test
  void eventsBeforeTheHourAreHandedOutOncePerMinuteAsLateSums() {
    clock.set(T0.plusSeconds(120 * 60));
    windows.record(List.of(ok(at(0, 5), KEY, 100), ok(at(0, 50), KEY, 300), ok(at(3, 0), KEY, 1), ok(at(119, 0), KEY, 1)));
    List<InferenceRollup> late = windows.takeLateMinutes();
    assertThat(late).extracting(InferenceRollup::minuteMillis).containsExactlyInAnyOrder(at(0, 0), at(3, 0));
    InferenceRollup first = late.stream().filter(r -> r.minuteMillis() == at(0, 0)).findFirst().orElseThrow();
    assertThat(first.requests()).isEqualTo(2);
    assertThat(first.latencyCount()).isEqualTo(2);
    assertThat(windows.takeLateMinutes()).as("handed out once").isEmpty();
    assertThat(windows.stats(KEY, InferenceWindows.ONE_HOUR).orElseThrow().requests()).as("only 11:59 is hot").isEqualTo(1);
  }

  @Test
  void closedMinutesAreHandedOutOnceAndAgainAfterALateEvent() {
    clock.set(T0.plusSeconds(3 * 60 + 20)); // 10:03:20
    tenPerMinute(0, 4);
    List<InferenceRollup> first = windows.takeChangedClosedMinutes(clock.millis());
    assertThat(first).extracting(InferenceRollup::minuteMillis)
        .containsExactlyInAnyOrder(at(0, 0), at(1, 0), at(2, 0));
    assertThat(windows.takeChangedClosedMinutes(clock.millis())).isEmpty();
    windows.record(List.of(ok(at(1, 30), KEY, 999)));
    List<InferenceRollup> again = windows.takeChangedClosedMinutes(clock.millis());
    assertThat(again).singleElement().satisfies(r -> {
      assertThat(r.minuteMillis()).isEqualTo(at(1, 0));
      assertThat(r.requests()).isEqualTo(11);
    });
    clock.advance(Duration.ofMinutes(1));
    assertThat(windows.takeChangedClosedMinutes(clock.millis())).extracting(InferenceRollup::minuteMillis)
        .containsExactly(at(3, 0));
  }

  @Test
  void rollupsRestoreTheSameSignals() {
    clock.set(T0.plusSeconds(30 * 60));
    tenPerMinute(0, 30);
    WindowStats before = windows.stats(KEY, InferenceWindows.ONE_HOUR).orElseThrow();
    List<InferenceRollup> rollups = windows.takeChangedClosedMinutes(clock.millis());
    InferenceWindows rebuilt = new InferenceWindows(clock);
    rollups.forEach(rebuilt::load);
    WindowStats after = rebuilt.stats(KEY, InferenceWindows.ONE_HOUR).orElseThrow();
    assertThat(after.requests()).isEqualTo(before.requests());
    assertThat(after.latencyCount()).isEqualTo(before.latencyCount());
    assertThat(after.latencyP95Ms()).isEqualTo(before.latencyP95Ms());
    assertThat(after.outputTokens()).isEqualTo(before.outputTokens());
    assertThat(rebuilt.takeChangedClosedMinutes(clock.millis())).as("loaded minutes are clean").isEmpty();
  }

  @Test
  void concurrentRecordingLosesNothing() throws InterruptedException {
    clock.set(T0.plusSeconds(59));
    int threads = 4;
    int each = 20_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each / 100; i++) {
          List<Inference> batch = new ArrayList<>();
          for (int j = 0; j < 100; j++) batch.add(ok(at(0, j % 50), KEY, j));
          windows.record(batch);
        }
      });
      w.start();
      workers.add(w);
    }
    start.countDown();
    for (Thread w : workers) w.join();
    assertThat(windows.stats(KEY, InferenceWindows.ONE_MINUTE).orElseThrow().requests())
        .isEqualTo((long) threads * each);
  }
}
