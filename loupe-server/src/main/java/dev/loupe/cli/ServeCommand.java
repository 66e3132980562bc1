package dev.loupe.cli;

import dev.loupe.server.ConfigException;
import dev.loupe.server.LoupeServer;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code loupe serve}: runs the server until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the Loupe server.")
final class ServeCommand implements Callable<Integer> {
  @Mixin ServerOptions options = new ServerOptions();

  @Override
  public Integer call() throws InterruptedException {
    LoupeServer server;
    try {
      server = LoupeServer.start(options.load(null), Clock.systemUTC());
    } catch (ConfigException e) {
      System.err.println("loupe: " + e.getMessage());
      return 2;
    }
    System.out.println("Loupe is serving on " + server.baseUri());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "loupe-shutdown"));
    stopped.await();
    return 0;
  }
}
