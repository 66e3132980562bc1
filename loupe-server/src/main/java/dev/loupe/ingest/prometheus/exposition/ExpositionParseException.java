package dev.loupe.ingest.prometheus.exposition;

/** An exposition that breaks its format, with the 1-based line and column of the first fault. */
public final class ExpositionParseException extends Exception {
  private final int line;
  private final int column;
  private final String reason;

  public ExpositionParseException(int line, int column, String reason) {
    super(line + ":" + column + ": " + reason);
    this.line = line;
    this.column = column;
    this.reason = reason;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  public String reason() {
    return reason;
  }
}
