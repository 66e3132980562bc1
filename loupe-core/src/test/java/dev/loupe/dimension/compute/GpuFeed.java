package dev.loupe.dimension.compute;

import dev.loupe.model.Sample;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Writes dcgm-exporter-shaped samples of one GPU into a judge, every 15 s like a scrape. */
final class GpuFeed {
  static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  static final long SCRAPE_SECONDS = 15;

  final ComputeDimensionJudge judge;
  final Map<String, String> labels = new TreeMap<>();

  GpuFeed(ComputeDimensionJudge judge, String host, String gpu, String uuid) {
    this.judge = judge;
    labels.put("Hostname", host);
    labels.put("gpu", gpu);
    labels.put("UUID", uuid);
    labels.put("modelName", "NVIDIA H100 80GB HBM3");
    labels.put("device", "nvidia" + gpu);
    labels.put("pci_bus_id", "00000000:31:00.0");
  }

  GpuFeed pod(String namespace, String pod) {
    labels.put("namespace", namespace);
    labels.put("pod", pod);
    labels.put("container", "main");
    return this;
  }

  static long at(long seconds) {
    return T0.plusSeconds(seconds).toEpochMilli();
  }

  static long min(double minutes) {
    return at(Math.round(minutes * 60));
  }

  void one(String metric, long atSeconds, double value) {
    judge.observe(new Sample(metric, labels, at(atSeconds), value));
  }

  void one(String metric, Map<String, String> extra, long atSeconds, double value) {
    Map<String, String> l = new TreeMap<>(labels);
    l.putAll(extra);
    judge.observe(new Sample(metric, l, at(atSeconds), value));
  }

  /** One sample every scrape in [fromSeconds, toSeconds], inclusive. */
  void every(String metric, long fromSeconds, long toSeconds, double value) {
    for (long s = fromSeconds; s <= toSeconds; s += SCRAPE_SECONDS) one(metric, s, value);
  }

  /** Used, free and reserved framebuffer for a percentage of an 80 000 MiB card. */
  void framebuffer(long fromSeconds, long toSeconds, double usedPercent) {
    double reserved = 500;
    double used = (80_000) * usedPercent / 100;
    double free = 80_000 - used - reserved;
    for (long s = fromSeconds; s <= toSeconds; s += SCRAPE_SECONDS) {
      one("DCGM_FI_DEV_FB_FREE", s, free);
      one("DCGM_FI_DEV_FB_USED", s, used);
      one("DCGM_FI_DEV_FB_RESERVED", s, reserved);
    }
  }

  /** ECC volatile counter at 0 from the start, so the GPU carries no "ECC not exported" note. */
  GpuFeed withEcc() {
    one("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 0, 0);
    return this;
  }
}
