package dev.loupe.dimension.compute;

import java.util.Map;

/** Short meanings of the XID codes seen most on data-centre GPUs, after NVIDIA's XID catalogue. */
final class XidDescriptions {
  private static final Map<Integer, String> KNOWN =
      Map.ofEntries(
          Map.entry(13, "graphics engine exception"),
          Map.entry(31, "GPU memory page fault"),
          Map.entry(32, "invalid or corrupted push buffer stream"),
          Map.entry(43, "GPU stopped processing"),
          Map.entry(45, "preemptive cleanup after previous errors"),
          Map.entry(48, "double-bit ECC error"),
          Map.entry(61, "internal micro-controller breakpoint/warning"),
          Map.entry(62, "internal micro-controller halt"),
          Map.entry(63, "ECC page retirement or row remapping recorded"),
          Map.entry(64, "ECC page retirement or row remapping failed"),
          Map.entry(74, "NVLink error"),
          Map.entry(79, "GPU has fallen off the bus"),
          Map.entry(92, "high single-bit ECC error rate"),
          Map.entry(94, "contained ECC error"),
          Map.entry(95, "uncontained ECC error"),
          Map.entry(119, "GSP RPC timeout"),
          Map.entry(120, "GSP error"));

  private XidDescriptions() {}

  /** "XID 79 (GPU has fallen off the bus)", or "XID 57" for a code not in the table. */
  static String name(int code) {
    String d = KNOWN.get(code);
    return d == null ? "XID " + code : "XID " + code + " (" + d + ")";
  }
}
