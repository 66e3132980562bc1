package dev.loupe.model;

import java.util.SortedMap;

/**
 * The known spend of one group's inferences in one bucket of time, placed at the bucket's end:
 * the bucket holds the inferences with time in {@code (endMillis - width, endMillis]}.
 */
public record SpendBucket(SortedMap<String, String> group, long endMillis, double spend) {}
