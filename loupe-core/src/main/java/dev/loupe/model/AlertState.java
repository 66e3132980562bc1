package dev.loupe.model;

/** Where a rule's instance stands. */
public enum AlertState {
  PENDING,
  FIRING,
  RESOLVED
}
