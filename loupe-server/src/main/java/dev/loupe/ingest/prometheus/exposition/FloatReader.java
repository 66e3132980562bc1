package dev.loupe.ingest.prometheus.exposition;

import java.nio.charset.StandardCharsets;

/**
 * Reads the number grammars of the two formats from bytes. Each {@code read…} method checks the
 * syntax, leaves the value in {@link #value} and answers whether the bytes were a number.
 *
 * <p>Most exposition values are short decimals. Those whose digits fit in 53 bits and whose
 * decimal exponent is within ±22 are computed with one exact multiplication or division, which
 * IEEE 754 rounds correctly (Clinger's fast path), so the result is bit-for-bit what {@link
 * Double#parseDouble} gives. Everything else goes to {@link Double#parseDouble} after our own
 * syntax check, because Java's grammar is wider than either format's (it takes {@code 1d},
 * surrounding spaces, {@code Infinity} only in one case).
 */
final class FloatReader {
  private static final double[] POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };
  private static final long MAX_EXACT_MANTISSA = 1L << 53;
  /** Digits kept in the long mantissa: 18 never overflow it. */
  private static final int MAX_DIGITS = 18;

  /** The number the last successful read found. */
  double value;

  /** A Go {@code strconv.ParseFloat} number, as the text format uses: decimal, hex with a binary exponent, Inf, NaN. */
  boolean readGoFloat(byte[] b, int start, int end) {
    if (start >= end) return false;
    int i = start;
    byte c = b[i];
    if (c == '+' || c == '-') {
      if (++i == end) return false;
      c = b[i];
    }
    if (c == '0' && i + 1 < end && (b[i + 1] == 'x' || b[i + 1] == 'X')) {
      return readHex(b, start, i + 2, end);
    }
    if (isDigit(c) || c == '.') return readDecimal(b, start, end);
    return readSpecial(b, start, end);
  }

  /** An OpenMetrics {@code number}: a decimal real number, or {@code [sign] inf / infinity} or {@code nan}, case-insensitive. */
  boolean readOpenMetricsNumber(byte[] b, int start, int end) {
    if (start >= end) return false;
    int i = start;
    byte c = b[i];
    if ((c == '+' || c == '-') && i + 1 < end) c = b[i + 1];
    if (isDigit(c) || c == '.') return readDecimal(b, start, end);
    return readSpecial(b, start, end);
  }

  /** An OpenMetrics {@code realnumber}: decimal only, as timestamps are written. */
  boolean readRealNumber(byte[] b, int start, int end) {
    return start < end && readDecimal(b, start, end);
  }

  static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  /** {@code [sign] (digits [. digits*] | . digits) [e [sign] digits]}, the decimal both formats share. */
  private boolean readDecimal(byte[] b, int start, int end) {
    int i = start;
    boolean negative = false;
    byte c = b[i];
    if (c == '+' || c == '-') {
      negative = c == '-';
      i++;
    }
    long mantissa = 0;
    int significantDigits = 0;
    int exponent = 0;
    boolean anyDigit = false;
    boolean inexact = false;
    while (i < end && isDigit(c = b[i])) {
      anyDigit = true;
      int d = c - '0';
      if (significantDigits < MAX_DIGITS) {
        if (mantissa != 0 || d != 0) {
          mantissa = mantissa * 10 + d;
          significantDigits++;
        }
      } else {
        exponent++;
        if (d != 0) inexact = true;
      }
      i++;
    }
    if (i < end && b[i] == '.') {
      i++;
      while (i < end && isDigit(c = b[i])) {
        anyDigit = true;
        int d = c - '0';
        if (significantDigits < MAX_DIGITS) {
          if (mantissa != 0 || d != 0) {
            mantissa = mantissa * 10 + d;
            significantDigits++;
          }
          exponent--;
        } else if (d != 0) {
          inexact = true;
        }
        i++;
      }
    }
    if (!anyDigit) return false;
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      boolean negativeExponent = false;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        negativeExponent = b[i] == '-';
        i++;
      }
      if (i == end || !isDigit(b[i])) return false;
      int e = 0;
      while (i < end && isDigit(c = b[i])) {
        if (e < 100_000) e = e * 10 + (c - '0');
        i++;
      }
      exponent += negativeExponent ? -e : e;
    }
    if (i != end) return false;
    double v;
    if (mantissa == 0 && !inexact) {
      v = 0;
    } else if (!inexact && mantissa <= MAX_EXACT_MANTISSA && exponent >= -22 && exponent <= 22) {
      v = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
    } else {
      value = Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
      return true;
    }
    value = negative ? -v : v;
    return true;
  }

  /** {@code [sign] 0x hexdigits [. hexdigits] p [sign] digits}: Go needs the binary exponent, and so does Java. */
  private boolean readHex(byte[] b, int start, int mantissaStart, int end) {
    int i = mantissaStart;
    boolean anyDigit = false;
    while (i < end && isHexDigit(b[i])) {
      i++;
      anyDigit = true;
    }
    if (i < end && b[i] == '.') {
      i++;
      while (i < end && isHexDigit(b[i])) {
        i++;
        anyDigit = true;
      }
    }
    if (!anyDigit || i == end || (b[i] != 'p' && b[i] != 'P')) return false;
    i++;
    if (i < end && (b[i] == '+' || b[i] == '-')) i++;
    if (i == end) return false;
    while (i < end && isDigit(b[i])) i++;
    if (i != end || !isDigit(b[end - 1])) return false;
    value = Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
    return true;
  }

  private static boolean isHexDigit(byte c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** {@code [sign] (inf | infinity)} or {@code nan} (unsigned), any case: what Go and OpenMetrics both accept. */
  private boolean readSpecial(byte[] b, int start, int end) {
    int i = start;
    boolean signed = false;
    boolean negative = false;
    if (b[i] == '+' || b[i] == '-') {
      signed = true;
      negative = b[i] == '-';
      i++;
    }
    int n = end - i;
    if (n == 3 && equalsIgnoreCase(b, i, "inf") || n == 8 && equalsIgnoreCase(b, i, "infinity")) {
      value = negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      return true;
    }
    if (!signed && n == 3 && equalsIgnoreCase(b, i, "nan")) {
      value = Double.NaN;
      return true;
    }
    return false;
  }

  private static boolean equalsIgnoreCase(byte[] b, int at, String lower) {
    for (int k = 0; k < lower.length(); k++) {
      if ((b[at + k] | 0x20) != lower.charAt(k)) return false;
    }
    return true;
  }
}
