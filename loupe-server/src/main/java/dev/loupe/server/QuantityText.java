package dev.loupe.server;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes and counts as people write them in a config: {@code 50GB} (decimal, as disks are sold),
 * {@code 500MiB} or {@code 500Mi} (binary), {@code 1.4M} records, or plain numbers.
 */
public final class QuantityText {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:([kmgtp])(i?)b?|b)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern COUNT = Pattern.compile("(\\d+(?:\\.\\d+)?(?:e\\d+)?)\\s*([kmg])?", Pattern.CASE_INSENSITIVE);
  private static final String UNITS = "kmgtp";

  private QuantityText() {}

  /** Bytes of {@code 50GB}, {@code 1.5TiB}, {@code 500Mi}, {@code 2048}; refuses other text and sizes below one byte. */
  public static long bytes(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text.trim().replace("_", ""));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size (write e.g. 50GB, 500MiB, 1.5TB or a number of bytes)");
    }
    BigDecimal n = new BigDecimal(m.group(1));
    if (m.group(2) != null) {
      int power = UNITS.indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
      BigDecimal base = BigDecimal.valueOf(m.group(3).isEmpty() ? 1000 : 1024);
      n = n.multiply(base.pow(power));
    }
    if (n.compareTo(BigDecimal.ONE) < 0 || n.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("'" + text + "' is out of range: a size from 1 byte to 8EiB");
    }
    return n.longValue();
  }

  /** A count: {@code 1.4M}, {@code 250k}, {@code 2G}, {@code 1400000}, {@code 1.4e6}; positive. */
  public static double count(String text) {
    Matcher m = COUNT.matcher(text == null ? "" : text.trim().replace("_", ""));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a count (write e.g. 1.4M, 250k or 1400000)");
    }
    double n = Double.parseDouble(m.group(1));
    if (m.group(2) != null) n *= Math.pow(1000, "kmg".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1);
    if (!(n > 0) || Double.isInfinite(n)) throw new IllegalArgumentException("'" + text + "' must be a positive count");
    return n;
  }
}
