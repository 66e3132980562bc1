package dev.loupe.ingest.events;

/** A body that is not JSON at all; names the line and column where parsing stopped. */
public final class MalformedJsonException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int line;
  private final int column;

  MalformedJsonException(int line, int column, String reason) {
    super("malformed JSON at line " + line + ", column " + column + ": " + reason);
    this.line = line;
    this.column = column;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
