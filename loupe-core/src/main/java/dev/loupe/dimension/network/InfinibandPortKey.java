package dev.loupe.dimension.network;

import dev.loupe.model.Checks;
import java.util.Map;

/** One InfiniBand (or RoCE) port: the host it is on, the HCA device and the port number. */
public record InfinibandPortKey(String host, String device, String port) {
  public InfinibandPortKey {
    host = Checks.labelOrUnknown("host", host);
    device = Checks.labelOrUnknown("device", device);
    port = Checks.labelOrUnknown("port", port);
  }

  /**
   * The host is the first of {@code node}, {@code nodename}, {@code hostname}, {@code Hostname},
   * {@code host}, then the scrape {@code instance}: a relabelled node name reads better than an
   * address and port.
   */
  public static InfinibandPortKey from(Map<String, String> labels) {
    return new InfinibandPortKey(
        NetworkLabels.first(labels, "node", "nodename", "hostname", "Hostname", "host", "instance"),
        labels.get("device"),
        labels.get("port"));
  }

  /** "InfiniBand mlx5_0 port 1 on node gpu-node-1". */
  public String describe() {
    return "InfiniBand " + device + " port " + port + " on node " + host;
  }

  String subject() {
    return host + "/" + device + "/" + port;
  }
}
