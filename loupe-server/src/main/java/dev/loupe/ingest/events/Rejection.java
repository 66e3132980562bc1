package dev.loupe.ingest.events;

/** Why one record of a batch was not kept: where it was (line, column when known) and which field. */
public record Rejection(int line, int column, String field, String reason) {
  public String describe() {
    return "line " + line + (column > 0 ? ":" + column : "") + ": "
        + (field == null ? "" : field + " ") + reason;
  }
}
