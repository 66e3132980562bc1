package dev.loupe.api;

import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Pending and firing alerts on {@code /metrics} as the {@code ALERTS} and {@code ALERTS_FOR_STATE} series Prometheus writes. */
public final class AlertFamilies {
  public static final List<String> NAMES = List.of("ALERTS", "ALERTS_FOR_STATE");

  private AlertFamilies() {}

  public static List<GaugeFamily> of(List<Alert> alerts) {
    List<GaugeFamily.Point> state = new ArrayList<>();
    List<GaugeFamily.Point> forState = new ArrayList<>();
    for (Alert a : alerts) {
      if (a.state() == AlertState.RESOLVED) continue;
      Map<String, String> labels = new TreeMap<>(a.labels());
      forState.add(new GaugeFamily.Point(labels, Math.floorDiv(a.activeSinceMillis(), 1000)));
      Map<String, String> withState = new TreeMap<>(labels);
      withState.put("alertstate", a.state() == AlertState.PENDING ? "pending" : "firing");
      state.add(new GaugeFamily.Point(withState, 1));
    }
    return List.of(
        new GaugeFamily("ALERTS", "Loupe's pending and firing alerts (1 each), as Prometheus's ALERTS.", state),
        new GaugeFamily("ALERTS_FOR_STATE", "When each pending or firing alert became active, in Unix seconds.", forState));
  }
}
