package dev.loupe.dimension.security;

import dev.loupe.model.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * "Denial of wallet": one subject taking more than a set share of the spend in a window. A
 * subject that always dominated is no news, so a subject is reported only if its share also rose
 * by at least a quarter of the threshold since the previous window. Without a previous window (a
 * Loupe in its first day) a usual share cannot be told from a new one, and nothing is reported,
 * as heavy use of a key new to a Loupe that just started is not news either.
 */
public final class CostConcentration {
  private CostConcentration() {}

  /**
   * @param spend spend per subject id in the window (subjects of one kind)
   * @param previousShares each subject's share in the previous window; empty when nothing was spent then
   * @param window how the window is named in the reason, e.g. "the last 24 h"
   */
  public static List<SecurityFinding> check(ConsumptionSubject.Kind kind, Map<String, Double> spend,
      Map<String, Double> previousShares, String window, ConsumptionSettings settings) {
    double total = 0;
    int spenders = 0;
    for (double s : spend.values()) {
      if (s > 0) {
        total += s;
        spenders++;
      }
    }
    if (previousShares.isEmpty()) return List.of();
    if (total < settings.concentrationMinSpend() || spenders < settings.concentrationMinSubjects()) return List.of();
    List<SecurityFinding> out = new ArrayList<>(0);
    for (Map.Entry<String, Double> e : spend.entrySet()) {
      double share = e.getValue() / total;
      if (share <= settings.concentrationShare()) continue;
      Double before = previousShares.get(e.getKey());
      if (before != null && share - before < settings.concentrationShare() / 4) continue;
      ConsumptionSubject subject = new ConsumptionSubject(kind, e.getKey());
      Map<String, String> evidence = new LinkedHashMap<>();
      evidence.put("subject_kind", kind.wireName());
      evidence.put("subject", e.getKey());
      evidence.put("share", String.format(Locale.ROOT, "%.3f", share));
      evidence.put("spend", String.format(Locale.ROOT, "%.2f", e.getValue()));
      evidence.put("total_spend", String.format(Locale.ROOT, "%.2f", total));
      evidence.put("subjects", Integer.toString(spenders));
      if (before != null) evidence.put("previous_share", String.format(Locale.ROOT, "%.3f", before));
      out.add(new SecurityFinding("cost_concentration", Severity.WARNING, String.format(Locale.ROOT,
          "%s took %.0f %% of the spend in %s (%.2f of %.2f across %d)", subject.describe(), share * 100, window,
          e.getValue(), total, spenders), evidence));
    }
    return out;
  }
}
