package dev.yoq.state;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real SQLite file in a temporary directory and the command bus over it: what the state tests start from. */
abstract class BusTestBase {
    @TempDir Path dir;
    SqliteFixture db;
    CommandBus bus;

    @BeforeEach
    void open() throws Exception {
        db = new SqliteFixture(dir);
        bus = new CommandBus(new StateMachine(), db);
    }

    @AfterEach
    void close() { db.close(); }
}
