package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 16 threads write at once through one bus: every command lands and none sees "database is locked", even
 * though each RecordServerStart reads before it writes (the pattern that fails at once under SQLite's locking
 * when two connections write concurrently), and while a reader keeps querying the same file.
 */
class CommandBusConcurrencyTest {

    static final int WRITERS = 16;
    static final int COMMANDS_PER_WRITER = 25;

    @TempDir
    Path dir;

    @Test
    void sixteenConcurrentWritersNeverSeeDatabaseLocked() throws Exception {
        try (SqliteFixture db = new SqliteFixture(dir)) {
            List<String> busyErrors = new ArrayList<>();
            CommandBus bus = new CommandBus(new StateMachine(), db, java.time.Duration.ZERO, d -> {
                synchronized (busyErrors) {
                    busyErrors.add("retried after SQLITE_BUSY");
                }
            });
            bus.submit(new Command.RegisterNode("0123456789ab", "server", "h", "0.3.0", 0L));

            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
            CountDownLatch go = new CountDownLatch(1);
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong reads = new AtomicLong();
            Future<?> reader = pool.submit(() -> {
                while (writing.get()) {
                    reads.incrementAndGet();
                    db.count("SELECT COUNT(*) FROM audit_log");
                }
                return null;
            });
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < COMMANDS_PER_WRITER; i++) {
                        bus.submit(new Command.RecordServerStart("0123456789ab", "0.3.0", i));
                        bus.submit(new Command.RecordAudit("writer-" + writer, "test", "n" + i, "ok", i));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : writers) {
                f.get(120, TimeUnit.SECONDS); // rethrows any writer's exception
            }
            writing.set(false);
            reader.get(30, TimeUnit.SECONDS);
            pool.shutdown();

            int total = WRITERS * COMMANDS_PER_WRITER;
            assertThat(busyErrors).as("no command needed a busy retry").isEmpty();
            assertThat(db.count("SELECT start_count FROM nodes")).isEqualTo(total);
            assertThat(db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'test'")).isEqualTo(total);
            assertThat(db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'server_start'")).isEqualTo(total);
            assertThat(db.count("SELECT COUNT(DISTINCT actor) FROM audit_log WHERE action = 'test'"))
                    .isEqualTo(WRITERS);
            assertThat(reads.get()).as("the reader ran alongside the writers").isPositive();
        }
    }
}
