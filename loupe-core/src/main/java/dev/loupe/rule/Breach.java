package dev.loupe.rule;

import java.util.SortedMap;

/** A group whose value breached at an evaluation: its labels and the value compared. */
record Breach(SortedMap<String, String> labels, double value) {}
