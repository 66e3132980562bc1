package dev.loupe.store.duckdb;

import dev.loupe.store.SecurityRecordsContract;
import dev.loupe.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

class DuckDbSecurityRecordsTest extends SecurityRecordsContract {
  @TempDir Path dir;

  @Override
  protected Store open() {
    return DuckDbStore.open(dir.resolve("loupe.duckdb"), Clock.systemUTC());
  }
}
