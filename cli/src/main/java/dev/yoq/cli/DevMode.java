package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.manifest.Manifest;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code yoq up --dev} after the apply: stays in the foreground printing every service's log lines prefixed
 * with its (colored) name, and restarts a service 500 ms after the last change under one of its bind-mounted
 * source directories (inotify, through the JDK's WatchService). Ctrl-C takes the app down.
 */
final class DevMode {
    static final long DEBOUNCE_MS = 500, POLL_MS = 250;
    private static final String[] COLORS = {"\u001b[36m", "\u001b[33m", "\u001b[32m", "\u001b[35m", "\u001b[34m", "\u001b[31m"};

    private final YoqCommand yoq;
    private final Manifest manifest;
    private final boolean color;
    private final Map<String, String> containers = new LinkedHashMap<>();   // replica container id -> service
    private final Map<String, Long> offsets = new HashMap<>();
    private final Map<WatchKey, String> watchedBy = new HashMap<>();
    private final Map<String, Long> changedAt = new HashMap<>();
    private final Map<String, String> prefixes = new HashMap<>();   // one per service, not one per log line

    DevMode(YoqCommand yoq, Manifest manifest) {
        this.yoq = yoq;
        this.manifest = manifest;
        this.color = System.console() != null && System.getenv("NO_COLOR") == null;
    }

    int run() throws IOException, InterruptedException {
        ApiClient api = yoq.options.client();
        String app = AppCommands.path(manifest.appName());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            yoq.err.println("stopping " + manifest.appName() + "...");
            try {
                yoq.options.client().patient().post("/apps/" + app + "/down", Map.of());
            } catch (RuntimeException e) {
                yoq.err.println("error: " + e.getMessage());
            }
        }));
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            for (Manifest.Service s : manifest.services()) {
                for (Manifest.Mount m : s.common().volumes()) {
                    if ("bind".equals(m.kind()) && Files.isDirectory(Path.of(m.source()))) watchTree(watcher, Path.of(m.source()), s.name());
                }
            }
            yoq.err.println("dev mode: following logs, restarting a service when its sources change; ctrl-c stops the app");
            while (true) {
                refreshContainers(api);
                printLogs(api);
                collectChanges(watcher);
                restartChanged(api);
                Thread.sleep(POLL_MS);
            }
        }
    }

    private void watchTree(WatchService watcher, Path root, String service) throws IOException {
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                watchedBy.put(d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE), service);
            }
        }
    }

    private void collectChanges(WatchService watcher) throws InterruptedException {
        for (WatchKey key = watcher.poll(0, TimeUnit.MILLISECONDS); key != null; key = watcher.poll()) {
            String service = watchedBy.get(key);
            for (var event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && event.context() instanceof Path p) {
                    Path created = ((Path) key.watchable()).resolve(p);
                    if (Files.isDirectory(created)) {
                        try {
                            watchTree(watcher, created, service);
                        } catch (IOException ignored) {
                            // gone again already
                        }
                    }
                }
            }
            key.reset();
            if (service != null) changedAt.put(service, System.currentTimeMillis());
        }
    }

    /** 500 ms after the last change (debounce): the service's container restarts. */
    private void restartChanged(ApiClient api) {
        long now = System.currentTimeMillis();
        for (String service : List.copyOf(changedAt.keySet())) {
            if (now - changedAt.get(service) < DEBOUNCE_MS) continue;
            changedAt.remove(service);
            List<String> ids = containers.entrySet().stream().filter(e -> e.getValue().equals(service)).map(Map.Entry::getKey).toList();
            if (ids.isEmpty()) continue;
            yoq.err.println(prefix(service) + "sources changed: restarting");
            for (String id : ids) {   // every replica of the service
                try {
                    api.post("/containers/" + id + "/restart", null);
                } catch (CliException e) {
                    yoq.err.println(prefix(service) + "restart failed: " + e.getMessage());
                }
            }
        }
    }

    /** The app's service replicas ({@code <app>-<service>-<i>-<release>}), new ones followed from their first line. */
    private void refreshContainers(ApiClient api) {
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (JsonNode c : api.get("/containers").json()) {
            listed.add(c.path("id").asText());
            for (Manifest.Service s : manifest.services()) {
                String prefix = dev.yoq.manifest.AppNames.container(manifest.appName(), s.name()) + "-";
                String name = c.path("name").asText();
                if (name.startsWith(prefix) && name.substring(prefix.length()).matches("\\d+-[0-9a-f]{6}")) {
                    String id = c.path("id").asText();
                    if (containers.put(id, s.name()) == null) offsets.put(id, 0L);
                }
            }
        }
        containers.keySet().retainAll(listed);   // a replica a rollout retired
    }

    private void printLogs(ApiClient api) {
        containers.forEach((id, service) -> {
            JsonNode chunk = api.get("/containers/" + id + "/logs?offset=" + offsets.getOrDefault(id, 0L)).json();
            offsets.put(id, chunk.path("offset").asLong());
            String text = chunk.path("logs").asText();
            if (text.isEmpty()) return;
            for (String line : text.split("\n")) yoq.out.println(prefix(service) + line);
        });
    }

    private String prefix(String service) {
        return prefixes.computeIfAbsent(service, s -> {
            int i = manifest.services().stream().map(Manifest.Service::name).toList().indexOf(s);
            String name = String.format("%-12s| ", s);
            return color ? COLORS[Math.floorMod(i, COLORS.length)] + name + "\u001b[0m" : name;
        });
    }
}
