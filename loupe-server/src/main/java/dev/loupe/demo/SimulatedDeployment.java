package dev.loupe.demo;

/** One deployment the demo simulates: who serves it and how it behaves. */
record SimulatedDeployment(
    String service,
    String deployment,
    String model,
    String operation,
    double requestsPerSecond,
    double medianLatencyMs,
    double ttftShare,
    int meanInputTokens,
    int meanOutputTokens) {}
