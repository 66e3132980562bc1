package dev.loupe.ingest.prometheus.scrape;

import java.util.Map;

/**
 * The last scrape of a target, as {@code GET /api/v1/targets} shows it. {@code health} is
 * {@code up}, {@code down} or {@code unknown} (not scraped yet).
 */
public record TargetHealth(
    String job,
    String scrapeUrl,
    Map<String, String> labels,
    String health,
    String lastError,
    long lastScrapeMillis,
    double lastScrapeDurationSeconds,
    int samplesScraped,
    long intervalMillis,
    long timeoutMillis) {}
