package dev.loupe.dimension.compute;

/**
 * DCGM writes a sentinel instead of a value when a field is blank, not found, not supported or
 * not permitted: {@code DCGM_INT64_BLANK} = 2^63 − 16 and the three after it,
 * {@code DCGM_INT32_BLANK} = 2^31 − 16 (2147483632) up to 2^31 − 1, and {@code DCGM_FP64_BLANK} =
 * 2^47 and the values just above it. dcgm-exporter passes them through as numbers; read as values
 * they would be a 9.2e18 °C GPU or a billion ECC errors.
 */
final class DcgmBlankValues {
  /** The int64 sentinels cannot be told apart once they are doubles: all round to about 2^63. */
  private static final double INT64_BLANK_FLOOR = 0x7ffffffffffff000L;
  private static final double INT32_BLANK = 0x7ffffff0;
  private static final double INT32_MAX = Integer.MAX_VALUE;
  private static final double FP64_BLANK = 140737488355328.0;

  private DcgmBlankValues() {}

  /** True for NaN, infinities and every DCGM blank sentinel. */
  static boolean isBlank(double v) {
    if (!Double.isFinite(v)) return true;
    if (v >= INT64_BLANK_FLOOR) return true;
    if (v >= INT32_BLANK && v <= INT32_MAX) return true;
    return v >= FP64_BLANK && v < FP64_BLANK + 16;
  }
}
