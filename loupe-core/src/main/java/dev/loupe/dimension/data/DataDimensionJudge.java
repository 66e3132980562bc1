package dev.loupe.dimension.data;

import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.DimensionJudge;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.dimension.StatusSince;
import dev.loupe.model.Dimension;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Says whether the data dimension has data: {@code no_data} until a pipeline is configured or
 * reports a run, then ok with notes naming what is watched and what cannot be judged yet (a
 * pipeline whose cadence is neither configured nor learnt). Its thresholds (stale, failing,
 * checks, row counts, rejected records) are rules of the built-in pack; the dimension's status is
 * the worst of their firing alerts.
 */
public final class DataDimensionJudge implements DimensionJudge {
  private final WatchedPipelines pipelines;
  private final StatusSince statusSince = new StatusSince();

  public DataDimensionJudge(WatchedPipelines pipelines) {
    this.pipelines = pipelines;
  }

  @Override
  public Dimension dimension() {
    return Dimension.DATA;
  }

  @Override
  public synchronized DimensionHealth judge(long nowMillis) {
    if (!pipelines.any()) {
      return statusSince.stamp(DimensionHealth.noData("no data pipeline telemetry received for data since "
          + Instant.ofEpochMilli(pipelines.watchedSinceMillis()).truncatedTo(ChronoUnit.SECONDS)
          + " (POST /api/v1/pipelines/NAME/runs, OTLP spans or logs with pipeline.name, or data.pipelines in"
          + " loupe.yml)", pipelines.watchedSinceMillis()), nowMillis);
    }
    List<PipelineState> states = pipelines.states(nowMillis);
    List<String> notes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (PipelineState s : states) {
      String index = WatchedPipelines.indexOf(s.spec());
      names.add(s.spec().kind() == PipelineKind.RAG_INDEX && !s.feeds().isEmpty()
          ? s.name() + " (index " + index + " → " + String.join(", ", s.feeds()) + ")" : s.name());
    }
    notes.add(states.size() + (states.size() == 1 ? " pipeline" : " pipelines") + " watched: " + String.join(", ", names));
    for (PipelineState s : states) {
      if (s.cadence() == null) {
        notes.add(s.name() + ": freshness not judged yet: its cadence is learnt from 4 runs; set data.pipelines."
            + s.name() + ".every to judge it now");
      }
    }
    return statusSince.stamp(new DimensionHealth(HealthStatus.OK, notes, nowMillis, List.of()), nowMillis);
  }
}
