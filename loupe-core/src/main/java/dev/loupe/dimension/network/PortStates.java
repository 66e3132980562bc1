package dev.loupe.dimension.network;

/** The names of the numeric port states node_exporter reports, for reasons. */
final class PortStates {
  static final int ACTIVE = 4;
  static final int LINK_UP = 5;

  private static final String[] STATE = {"NOP", "DOWN", "INIT", "ARMED", "ACTIVE", "ACTIVE_DEFER"};
  private static final String[] PHYSICAL = {
    "no state change", "Sleep", "Polling", "Disabled", "PortConfigurationTraining", "LinkUp", "LinkErrorRecovery", "PhyTest"
  };

  private PortStates() {}

  static String state(Integer id) {
    return name(STATE, id);
  }

  static String physical(Integer id) {
    return name(PHYSICAL, id);
  }

  private static String name(String[] names, Integer id) {
    if (id == null) return "unknown";
    return id >= 0 && id < names.length ? names[id] + " (" + id + ")" : "state " + id;
  }
}
