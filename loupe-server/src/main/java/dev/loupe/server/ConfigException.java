package dev.loupe.server;

/** A config file that cannot be used: says which file, line, column and key, and why. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String keyPath;
  private final int line;
  private final int column;
  private final String reason;
  private final String source;

  ConfigException(String source, int line, int column, String keyPath, String reason) {
    super(source + (line > 0 ? ":" + line + ":" + column : "") + ": "
        + (keyPath.isEmpty() ? "" : keyPath + ": ") + reason);
    this.keyPath = keyPath;
    this.line = line;
    this.column = column;
    this.reason = reason;
    this.source = source;
  }

  /** The file (or text) named first in the message. */
  public String source() {
    return source;
  }

  /** Why, without the file, position and key. */
  public String reason() {
    return reason;
  }

  public String keyPath() {
    return keyPath;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
