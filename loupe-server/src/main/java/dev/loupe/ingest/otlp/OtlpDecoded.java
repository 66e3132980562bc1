package dev.loupe.ingest.otlp;

import dev.loupe.model.Batch;

/** What an OTLP export held: the batch to keep, how many items were rejected, and the first reason. */
public record OtlpDecoded(Batch batch, int rejected, String firstRejection) {}
