package dev.loupe.ingest.prometheus.scrape;

import java.net.URI;
import java.util.Map;

/**
 * One address of one job, with the labels attached to every series it exposes ({@code job},
 * {@code instance} and the group's labels). Identity is job plus URL plus labels, as in Prometheus.
 */
public record ScrapeTarget(String job, URI url, Map<String, String> labels) {
  public ScrapeTarget {
    labels = Map.copyOf(labels);
  }
}
