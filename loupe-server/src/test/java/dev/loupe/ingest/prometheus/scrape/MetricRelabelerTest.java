package dev.loupe.ingest.prometheus.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.server.ScrapeConfig.RelabelConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricRelabelerTest {
  private static RelabelConfig rule(String action, List<String> sources, String regex, String target, String replacement) {
    return new RelabelConfig(sources, null, regex, target, replacement, action, null);
  }

  private static Map<String, String> series(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  @Test
  void keepAndDropMatchTheWholeJoinedValue() {
    MetricRelabeler keep = new MetricRelabeler(List.of(rule("keep", List.of("__name__"), "DCGM_FI_DEV_.*", null, null)));
    assertThat(keep.apply(series("__name__", "DCGM_FI_DEV_GPU_UTIL"))).isTrue();
    assertThat(keep.apply(series("__name__", "go_gc_DCGM_FI_DEV_X"))).as("anchored at the start").isFalse();

    MetricRelabeler drop = new MetricRelabeler(List.of(rule("drop", List.of("__name__", "gpu"), "up;.*|x;1", null, null)));
    assertThat(drop.apply(series("__name__", "x", "gpu", "1"))).isFalse();
    assertThat(drop.apply(series("__name__", "x", "gpu", "10"))).as("anchored at the end").isTrue();
    assertThat(drop.apply(series("__name__", "up"))).as("a missing label joins as empty").isFalse();
  }

  @Test
  void replaceExpandsGroupsLikeGo() {
    Map<String, String> s = series("__name__", "m", "instance", "node-7:9400");
    new MetricRelabeler(List.of(rule("replace", List.of("instance"), "(.*):(\\d+)", "node", "${1}"))).apply(s);
    assertThat(s).containsEntry("node", "node-7");

    Map<String, String> t = series("__name__", "m", "a", "x");
    new MetricRelabeler(List.of(rule("replace", List.of("a"), "(?<v>.*)", "b", "pre-$v-$$-$1x"))).apply(t);
    assertThat(t).as("$1x names group '1x', which does not exist, as in Go").containsEntry("b", "pre-x-$-");

    Map<String, String> u = series("__name__", "m", "a", "x", "b", "old");
    new MetricRelabeler(List.of(rule("replace", List.of("missing"), "", "b", ""))).apply(u);
    assertThat(u).as("an empty result deletes the target label").doesNotContainKey("b");

    Map<String, String> v = series("__name__", "m", "a", "x");
    new MetricRelabeler(List.of(rule("replace", List.of("a"), "y", "b", "z"))).apply(v);
    assertThat(v).as("no match, no change").doesNotContainKey("b");
  }

  @Test
  void renamingTheMetricThroughName() {
    Map<String, String> s = series("__name__", "DCGM_FI_DEV_GPU_TEMP", "gpu", "0");
    new MetricRelabeler(List.of(rule("replace", List.of("__name__"), "DCGM_FI_DEV_(.*)", "__name__", "gpu_$1"))).apply(s);
    assertThat(s).containsEntry("__name__", "gpu_GPU_TEMP");
  }

  @Test
  void labeldropLabelkeepAndLabelmapWorkOnNames() {
    Map<String, String> s = series("__name__", "m", "pci_bus_id", "0", "DCGM_FI_DRIVER_VERSION", "550", "gpu", "0");
    new MetricRelabeler(List.of(rule("labeldrop", List.of(), "pci_.*|DCGM_.*", null, null))).apply(s);
    assertThat(s).containsOnlyKeys("__name__", "gpu");

    Map<String, String> k = series("__name__", "m", "a", "1", "b", "2");
    new MetricRelabeler(List.of(rule("labelkeep", List.of(), "__name__|a", null, null))).apply(k);
    assertThat(k).containsOnlyKeys("__name__", "a");

    Map<String, String> m = series("__name__", "m", "__meta_pod", "p-1");
    new MetricRelabeler(List.of(rule("labelmap", List.of(), "__meta_(.+)", null, "$1"))).apply(m);
    assertThat(m).containsEntry("pod", "p-1");
  }

  @Test
  void hashmodIsStableAndBounded() {
    Map<String, String> s = series("__name__", "m", "instance", "a:1");
    new MetricRelabeler(List.of(new RelabelConfig(List.of("instance"), null, null, "shard", null, "hashmod", 7L))).apply(s);
    long shard = Long.parseLong(s.get("shard"));
    assertThat(shard).isBetween(0L, 6L).isEqualTo(MetricRelabeler.hashMod("a:1", 7));
  }

  @Test
  void expandLeavesTextWithoutDollarAlone() {
    Matcher m = Pattern.compile("(a)").matcher("a");
    assertThat(m.matches()).isTrue();
    assertThat(MetricRelabeler.expand("plain", m)).isEqualTo("plain");
    assertThat(MetricRelabeler.expand("$", m)).isEqualTo("$");
    assertThat(MetricRelabeler.expand("${1", m)).isEqualTo("${1");
    assertThat(MetricRelabeler.expand("$9", m)).isEmpty();
  }
}
