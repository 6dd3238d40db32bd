package dev.yoq.node.daemon.container;

import dev.yoq.node.daemon.sys.LibC;
import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HelperException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts yoq-init and waits for its one-line answer, and watches an init process for its end, whether this
 * helper started it ({@link Process}) or re-adopted it after a restart (a pidfd).
 */
final class InitProcess {
    private static final ExecutorService WATCHERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "yoq-init-watch");
        t.setDaemon(true);
        return t;
    });

    private InitProcess() {}

    record Started(Process process, int containerPid) {}

    /** Runs {@code init config}; returns once the container runs, or throws start_failed with init's reason. */
    static Started start(Path init, Path config) throws IOException {
        Process p = new ProcessBuilder(init.toString(), config.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try (reader) {
            line = reader.readLine();
        }
        if (line != null && line.startsWith("ok ")) return new Started(p, Integer.parseInt(line.substring(3).trim()));
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String reason = line == null ? "yoq-init exited with status " + p.exitValue() + " without a word"
                : line.startsWith("error ") ? line.substring(6) : line;
        throw new HelperException(HelperError.START_FAILED, reason);
    }

    /** Completes when the process ends. */
    static CompletableFuture<Void> onExit(Process process) {
        return process.onExit().thenApply(p -> null);
    }

    /** Completes when the (not our child) process ends, watched through a pidfd. */
    static CompletableFuture<Void> onExit(int pid) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        int fd = LibC.pidfdOpen(pid);
        if (fd < 0) {
            done.complete(null);
            return done;
        }
        WATCHERS.execute(() -> {
            try {
                LibC.PollFd one = new LibC.PollFd();
                LibC.PollFd[] fds = (LibC.PollFd[]) one.toArray(1);
                fds[0].fd = fd;
                fds[0].events = LibC.POLLIN;
                while (true) {
                    fds[0].revents = 0;
                    if (LibC.INSTANCE.poll(fds, 1, 60_000) > 0) break;
                }
            } catch (RuntimeException e) {
                // EINTR and friends: fall through, the caller re-reads the files
            } finally {
                LibC.INSTANCE.close(fd);
                done.complete(null);
            }
        });
        return done;
    }

    /** True when pid is the yoq-init started with this config: guards against a recycled pid. */
    static boolean isInitFor(int pid, Path config) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "cmdline"));
            List<String> args = List.of(new String(cmdline, StandardCharsets.UTF_8).split("\0"));
            return args.size() == 2 && args.get(1).equals(config.toString());
        } catch (IOException e) {
            return false;
        }
    }
}
