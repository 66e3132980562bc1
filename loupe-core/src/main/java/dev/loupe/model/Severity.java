package dev.loupe.model;

/** How bad a finding is; also the status of a dimension that has data. */
public enum Severity {
  WARNING,
  CRITICAL
}
