package dev.loupe.dimension.model.quality;

import java.nio.charset.StandardCharsets;

/**
 * Keeps a fraction of requests chosen by a hash of their id, so a re-sent request is kept or left
 * exactly as the first time, on every node and after a restart. The salt makes samplers with the
 * same rate choose different requests (or, with the same salt, a smaller rate a subset of a larger).
 */
public final class DeterministicSampler {
  private DeterministicSampler() {}

  /** Whether the request with this id is in a sample of {@code rate} (0..1); an absent id never is below 1. */
  public static boolean keeps(String id, double rate, String salt) {
    if (rate >= 1) return true;
    if (!(rate > 0) || id == null) return false;
    return unit(salt + '\u0000' + id) < rate;
  }

  /** A uniform number in [0, 1) from the text: FNV-1a over its UTF-8 bytes, mixed by SplitMix64's finalizer. */
  static double unit(String text) {
    long h = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return (h >>> 11) * 0x1.0p-53;
  }
}
