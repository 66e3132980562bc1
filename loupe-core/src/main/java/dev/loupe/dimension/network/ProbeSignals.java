package dev.loupe.dimension.network;

/** The latest probe result of one path: success (1 or 0) and duration in seconds; null if unseen. */
public record ProbeSignals(Double success, Double durationSeconds, long lastSampleMillis) {}
