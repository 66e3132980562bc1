package dev.loupe.model;

/**
 * The fields of one stored inference that drift tests and version comparisons read: numbers and
 * categories, never its text. Optional fields are null when the inference did not carry them.
 */
public record InferenceFeatures(
    long timestampMillis,
    SeriesKey key,
    String operation,
    Long inputTokens,
    Long outputTokens,
    Double latencyMs,
    Double ttftMs,
    Outcome outcome,
    String finishReason,
    Double cost) {}
