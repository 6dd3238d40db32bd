package dev.yoq.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code yoq server start|stop|status|logs}: control the local yoq server (Open Liberty + the yoq EAR). */
@Command(name = "server", description = "Start, stop and inspect the local yoq server.",
        subcommands = {ServerCommand.Start.class, ServerCommand.Stop.class, ServerCommand.Status.class,
                ServerCommand.Logs.class})
public class ServerCommand {

    @ParentCommand
    YoqCommand yoq;

    ServerStarter.Readiness readiness() {
        return ServerStarter.readiness(yoq.options.server());
    }

    /** The local server's address as a URL: https when its last start turned HTTPS on (docs/security.md). */
    String where() {
        ServerAddress a = yoq.options.server();
        String scheme = a.scheme() != null ? a.scheme() : ApiTls.localServerTls(yoq.options.layout().root()) ? "https" : "http";
        return scheme + "://" + a.host() + ":" + a.port();
    }

    @Command(name = "start", description = "Start the local server and wait until it is ready (idempotent).")
    static class Start implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ServerCommand server;

        @Override
        public Integer call() throws InterruptedException {
            YoqCommand yoq = server.yoq;
            LocalServer local = LocalServer.locate(yoq.options);
            if (ServerStarter.startAndAwaitReady(yoq, local, yoq.options.server())) {
                yoq.out.println("yoq server is already running at " + server.where());
                return 0;
            }
            yoq.out.println("yoq server ready at " + server.where() + " (data dir " + local.layout().root() + ")");
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop the local server (idempotent). Containers and the node helper keep running.")
    static class Stop implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ServerCommand server;

        @Override
        public Integer call() {
            LocalServer local = LocalServer.locate(server.yoq.options);
            if (!local.running()) {
                server.yoq.out.println("yoq server is not running");
                return 0;
            }
            LocalServer.Result result = local.stop();
            if (local.running()) {
                throw new CliException("the server did not stop: " + result.output());
            }
            server.yoq.out.println("yoq server stopped");
            return 0;
        }
    }

    @Command(name = "status", description = "Say whether the local server runs and is ready (exit 0 only then).")
    static class Status implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ServerCommand server;

        @Override
        public Integer call() {
            LocalServer local = LocalServer.locate(server.yoq.options);
            boolean running = local.running();
            ServerStarter.Readiness r = running ? server.readiness() : new ServerStarter.Readiness(false, false, "not running");
            String state = !running ? "stopped" : r.up() ? "ready" : "starting";
            if (server.yoq.options.json()) {
                server.yoq.out.printf("{\"state\":\"%s\",\"address\":\"%s\",\"data_dir\":\"%s\"}%n", state,
                        server.yoq.options.server(), local.layout().root());
            } else if (!running) {
                server.yoq.out.println("yoq server is not running");
            } else if (r.up()) {
                server.yoq.out.println("yoq server is running and ready at " + server.where());
            } else {
                server.yoq.out.println("yoq server is running but not ready: " + r.reason());
            }
            return running && r.up() ? 0 : 1;
        }
    }

    @Command(name = "logs", description = "Print the server's log (messages.log).")
    static class Logs implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ServerCommand server;

        @Option(names = "--tail", paramLabel = "N", description = "only the last N lines (default: all)")
        Integer tail;

        @Option(names = {"-f", "--follow"}, description = "keep printing new lines until interrupted")
        boolean follow;

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (tail != null && tail < 0) {
                throw new CliException("--tail: must be 0 or more, got " + tail);
            }
            Path log = LocalServer.locate(server.yoq.options).messagesLog();
            if (!Files.exists(log)) {
                throw new CliException("no server log yet at " + log + " (has the server been started?)");
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            int from = tail == null ? 0 : Math.max(0, lines.size() - tail);
            lines.subList(from, lines.size()).forEach(server.yoq.out::println);
            if (follow) {
                follow(log, Files.size(log));
            }
            return 0;
        }

        private void follow(Path log, long offset) throws IOException, InterruptedException {
            while (true) {
                long size = Files.size(log);
                if (size < offset) {
                    offset = 0; // rotated
                }
                if (size > offset) {
                    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                        f.seek(offset);
                        byte[] chunk = new byte[(int) Math.min(size - offset, 1 << 20)];
                        f.readFully(chunk);
                        server.yoq.out.print(new String(chunk, StandardCharsets.UTF_8));
                        server.yoq.out.flush();
                        offset += chunk.length;
                    }
                }
                Thread.sleep(250);
            }
        }
    }
}
