package dev.yoq.node.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.node.daemon.EventHub;
import dev.yoq.node.daemon.network.NetworkDriver;
import dev.yoq.node.daemon.network.NodeNetwork;
import dev.yoq.node.daemon.network.NetworkPlan;
import dev.yoq.node.daemon.cgroup.CgroupDriver;
import dev.yoq.node.daemon.cgroup.Placement;
import dev.yoq.node.daemon.seccomp.SeccompCompiler;
import dev.yoq.node.daemon.seccomp.SeccompPolicy;
import dev.yoq.node.daemon.sys.LibC;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.ContainerState;
import dev.yoq.node.protocol.DataLayout;
import dev.yoq.node.protocol.HostPaths;
import dev.yoq.node.protocol.NodeNames;
import dev.yoq.node.protocol.ExecRequest;
import dev.yoq.node.protocol.ExecResult;
import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HelperException;
import dev.yoq.node.protocol.Wire;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The helper's containers: creates, starts, stops, removes and execs into them through yoq-init, and reports
 * their exits. It keeps no fact only in memory: the spec is in state.json, runtime facts are in the files
 * yoq-init writes, so {@link #recover()} after a restart finds every container again.
 */
public final class ContainerManager {
    private static final long KILL_WAIT_MS = 2_000;
    /** Cleanup after exits and removals runs here, off the answer's path, one task at a time. */
    private static final java.util.concurrent.ExecutorService CLEANUP = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "yoq-node-cleanup");
        thread.setDaemon(true);
        return thread;
    });

    private final DataLayout data;
    private final HostPaths hostPaths;
    private final dev.yoq.node.daemon.volume.NfsMounts nfs;
    private final Path init;
    private final CgroupDriver cgroups;
    private final SeccompCompiler seccomp;
    private final byte[] seccompPolicy = SeccompPolicy.defaultPolicyBytes();
    private final EventHub events;
    private final Consumer<String> log;
    private final ObjectMapper json;
    private final Map<String, Tracked> containers = new ConcurrentHashMap<>();
    private final NodeNetwork network;
    private final NetworkDriver driver;

    public ContainerManager(DataLayout data, HostPaths hostPaths, NodeNames names, Path init, CgroupDriver cgroups, EventHub events,
                            ObjectMapper json, Consumer<String> log) {
        this.data = data;
        this.hostPaths = hostPaths;
        this.init = init;
        this.cgroups = cgroups;
        this.seccomp = new SeccompCompiler(data.root().resolve("seccomp"));
        this.nfs = new dev.yoq.node.daemon.volume.NfsMounts(data.root(), Path.of("/sbin/mount.nfs"));
        this.events = events;
        this.json = json;
        this.log = log;
        this.driver = new NetworkDriver(new NetworkPlan(names), data.root().resolve("network"), log);
        this.network = new NodeNetwork(driver, data.root().resolve("network"), log);
    }

    public CgroupDriver cgroups() { return cgroups; }

    /** Finds every container of an earlier helper life: running ones are watched again, ended ones reported. */
    public void recover() throws IOException {
        Files.createDirectories(data.containers());
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(data.containers(), Files::isDirectory)) {
            for (Path dir : dirs) {
                if (dir.getFileName().toString().startsWith(".removed-")) {
                    CLEANUP.execute(() -> deleteQuietly(dir));   // a removal the last helper did not finish
                    continue;
                }
                ContainerDirs d = new ContainerDirs(dir);
                if (!Files.exists(d.state())) continue;
                ContainerSpec spec;
                try {
                    spec = json.readValue(d.state().toFile(), StateFile.class).spec();
                } catch (IOException e) {   // one damaged container must not keep the helper (and all others) down
                    log.accept("skipping " + dir + ": unreadable state.json (" + e.getMessage() + ")");
                    continue;
                }
                Tracked t = new Tracked(spec, d);
                containers.put(spec.id(), t);
                JsonNode running = readJson(d.running());
                // created and never started: its namespace was made at create and is still wanted
                if (running == null && !Files.exists(d.exit())) t.attached = spec.net() != null;
                if (running != null && !Files.exists(d.exit())) {
                    int initPid = running.path("init_pid").asInt();
                    if (InitProcess.isInitFor(initPid, d.initConfig())) {
                        t.pid = running.path("pid").asInt();
                        t.attached = spec.net() != null;
                        watch(t, InitProcess.onExit(initPid));
                        log.accept("re-adopted running container " + spec.id() + " (pid " + t.pid + ")");
                    } else {
                        log.accept("container " + spec.id() + " lost its yoq-init while the helper was down");
                    }
                }
            }
        }
        for (Tracked t : containers.values()) {
            if (t.spec.net() != null && !t.attached) detachQuietly(t.spec.id());   // ended while the helper was down
        }
        if (containers.values().stream().anyMatch(t -> t.spec.net() != null)) {
            syncRules();
            log.accept("network rules and names rebuilt for the containers on " + driver.plan().bridgeName);
        }
    }

    /**
     * The node's port rules and DNS names follow the containers whose network exists: an exited container has
     * none (finding 7 of the hardening issue: 26 namespaces and veths were left by exited containers).
     */
    private void syncRules() throws IOException {
        network.sync(containers.values().stream().filter(t -> t.attached).map(t -> t.spec).toList());
    }

    public NodeNetwork network() { return network; }


    public ContainerState create(ContainerSpec spec) throws IOException {
        SpecRules.check(spec, hostPaths, data.root().resolve("layers"));
        ContainerDirs d = new ContainerDirs(data.containers().resolve(spec.id()));
        Tracked t = new Tracked(spec, d);
        if (containers.putIfAbsent(spec.id(), t) != null) {
            throw new HelperException(HelperError.CONFLICT, "container " + spec.id() + " already exists");
        }
        try {
            for (Path p : List.of(d.upper(), d.work(), d.rootfs())) Files.createDirectories(p);
            if (spec.userNamespace()) {
                // The container's root is an unprivileged host uid: it must own what overlay writes to.
                int base = (int) spec.userNamespaceBase();
                for (Path p : List.of(d.upper(), d.work())) {
                    Files.setAttribute(p, "unix:uid", base);
                    Files.setAttribute(p, "unix:gid", base);
                }
            }
            if (spec.net() != null) {
                network.attach(spec.id(), spec.net().ip());
                t.attached = true;
            }
            ContainerDirs.writeAtomically(d.state(), json.writeValueAsBytes(new StateFile(spec, System.currentTimeMillis())), true);
            if (spec.net() != null) syncRules();
        } catch (IOException | RuntimeException e) {
            containers.remove(spec.id());
            if (spec.net() != null) detachQuietly(spec.id());
            throw e;
        }
        return state(t);
    }

    public ContainerState start(String id) throws IOException {
        Tracked t = tracked(id);
        synchronized (t) {
            ContainerState now = state(t);
            if (now.running()) throw new HelperException(HelperError.CONFLICT, "container " + id + " is already running");
            Files.deleteIfExists(t.dirs.exit());
            Files.deleteIfExists(t.dirs.running());
            t.run++;
            if (t.spec.net() != null && !t.attached) {   // a restart: the same address gets a new namespace
                network.attach(id, t.spec.net().ip());
                t.attached = true;
                syncRules();
            }
            cgroups.remove(id);
            Placement placement = cgroups.create(id, t.spec.limits());
            Files.createDirectories(data.logs());
            ContainerSpec spec = t.spec;
            ContainerSpec.Mount secretFiles = SecretFiles.mount(t.dirs);
            if (secretFiles != null) {   // bound read-only on /run/secrets
                List<ContainerSpec.Mount> mounts = new java.util.ArrayList<>(spec.mounts());
                mounts.add(secretFiles);
                spec = new ContainerSpec(spec.id(), spec.name(), spec.lowerDirs(), spec.command(), spec.env(), spec.hostname(),
                        spec.workingDir(), spec.user(), spec.limits(), mounts, spec.network(), spec.userNamespace(), spec.net(), spec.capabilities());
            }
            String config = InitConfig.forRun(spec, t.dirs, placement, seccomp.compiled(seccompPolicy), data.containerLog(id),
                    driver.netnsPath(id), SecretFiles.envInclude(t.dirs));
            ContainerDirs.writeAtomically(t.dirs.initConfig(), config.getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
            InitProcess.Started started;
            try {
                started = InitProcess.start(init, t.dirs.initConfig());
            } catch (HelperException | IOException e) {
                cgroups.remove(id);
                if (t.spec.net() != null && t.attached) {   // nothing runs: its ports and name must not lead anywhere
                    t.attached = false;
                    syncRules();
                    detachQuietly(id);
                }
                throw e;
            }
            t.pid = started.containerPid();
            // The answer describes the start, even when a quick command (/bin/true) has already ended by now:
            // its end follows as an event and through wait.
            JsonNode running = readJson(t.dirs.running());
            ContainerState state = new ContainerState(id, ContainerState.RUNNING, started.containerPid(), null, null, false,
                    running == null ? System.currentTimeMillis() : running.path("started_at_ms").asLong(), null);
            events.publish(new Wire.Event("started", state));
            watch(t, InitProcess.onExit(started.process()));
            return state;
        }
    }

    /** Puts exactly these secret files and variables in the container's tmpfs (see {@link SecretFiles}); running or not. */
    public void secrets(String id, java.util.Map<String, byte[]> files, java.util.Map<String, byte[]> env) throws IOException {
        Tracked t = tracked(id);
        synchronized (t) {
            if (containers.get(id) != t) throw new HelperException(HelperError.NOT_FOUND, "no such container: " + id);   // removed meanwhile
            SecretFiles.write(t.spec, t.dirs, files, env);
        }
    }

    public ContainerState run(ContainerSpec spec) throws IOException {
        create(spec);
        try {
            return start(spec.id());
        } catch (HelperException | IOException e) {
            remove(spec.id());
            throw e;
        }
    }

    /** SIGTERM (forwarded by yoq-init), then SIGKILL to the whole cgroup once the grace period is over. */
    public ContainerState stop(String id, long graceMs) throws IOException {
        Tracked t = tracked(id);
        ContainerState now = state(t);
        if (!now.running()) throw new HelperException(HelperError.CONFLICT, "container is not running");
        signalInit(t, LibC.SIGTERM);
        if (!awaitExit(t, graceMs)) {
            cgroups.killAll(id);
            if (t.pid > 0) LibC.signal(t.pid, LibC.SIGKILL);
            awaitExit(t, KILL_WAIT_MS);
        }
        return state(t);
    }

    public void kill(String id, int signal) throws IOException {
        Tracked t = tracked(id);
        if (!state(t).running()) throw new HelperException(HelperError.CONFLICT, "container is not running");
        signalInit(t, signal);
    }

    public void remove(String id) throws IOException {
        Tracked t = tracked(id);
        synchronized (t) {
            if (state(t).running()) throw new HelperException(HelperError.CONFLICT, "cannot remove running container");
            cgroups.remove(id);
            SecretFiles.release(t.dirs);
            // Renamed away at once (the id is free again), deleted in the background: an upper layer can be large.
            Path trash = data.containers().resolve(".removed-" + id + "-" + System.nanoTime());
            Files.move(t.dirs.root(), trash, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(data.containerLog(id));
            Files.deleteIfExists(Path.of(data.containerLog(id) + ".1"));
            containers.remove(id);
            if (t.spec.net() != null) {
                syncRules();
                network.detach(id);
                t.attached = false;
            }
            CLEANUP.execute(() -> deleteQuietly(trash));
        }
        events.publish(new Wire.Event("removed", new ContainerState(id, "removed", null, null, null, false, null, null)));
    }

    public ContainerState get(String id) { return state(tracked(id)); }

    private void detachQuietly(String id) {
        try {
            network.detach(id);
        } catch (IOException e) {
            log.accept("network cleanup of " + id + " failed: " + e.getMessage());
        }
    }

    public List<ContainerState> list() {
        return containers.values().stream().map(this::state).sorted(Comparator.comparing(ContainerState::id)).toList();
    }

    /** Waits until the container has exited, or the timeout passes; returns its state either way. */
    public ContainerState await(String id, long timeoutMs) {
        Tracked t = tracked(id);
        awaitExit(t, timeoutMs);
        return state(t);
    }

    public ExecResult exec(ExecRequest request) throws IOException {
        Tracked t = tracked(request.id());
        if (!state(t).running()) throw new HelperException(HelperError.CONFLICT, "container is not running");
        String config = InitConfig.forExec(request, t.pid, cgroups.placement(request.id()), seccomp.compiled(seccompPolicy), t.spec,
                SecretFiles.envInclude(t.dirs));
        return ExecRunner.run(init, t.dirs.root(), config, request.timeoutMs());
    }

    /** Every lower dir any container here uses: layers that must survive a prune. */
    public java.util.Set<String> lowerDirsInUse() {
        java.util.Set<String> all = new java.util.HashSet<>();
        for (Tracked t : containers.values()) all.addAll(t.spec.lowerDirs());
        return all;
    }

    public dev.yoq.node.daemon.volume.NfsMounts nfs() { return nfs; }

    public Map<String, Object> stats(String id) {
        tracked(id);
        return cgroups.stats(id);
    }

    // ---- internals ----

    private Tracked tracked(String id) {
        SpecRules.requireValidId(id);
        Tracked t = containers.get(id);
        if (t == null) throw new HelperException(HelperError.NOT_FOUND, "no such container: " + id);
        return t;
    }

    /**
     * Completes the container's exit future as soon as yoq-init has gone (waiters answer at once), then
     * cleans up its cgroups and tells subscribers.
     */
    private void watch(Tracked t, java.util.concurrent.CompletableFuture<Void> initExit) {
        int run = t.run;
        t.exit = initExit.thenApply(v -> state(t));
        t.exit.thenAcceptAsync(state -> {
            try {
                // yoq-init gone without exit.json (kill -9): take the container down with it, nothing runs untracked.
                if (!Files.exists(t.dirs.exit())) cgroups.killAll(t.spec.id());
                cgroups.remove(t.spec.id());
                releaseNetwork(t, run);
            } catch (IOException e) {
                log.accept("container " + t.spec.id() + ": " + e.getMessage());
            }
            if (state.oomKilled()) events.publish(new Wire.Event("oom", state));
            events.publish(new Wire.Event("exited", state));
        }, CLEANUP);
    }

    /** An ended run gives up its namespace, veth, rules and names; a start after it attaches again. */
    private void releaseNetwork(Tracked t, int run) throws IOException {
        synchronized (t) {
            if (t.spec.net() == null || !t.attached || t.run != run || state(t).running() || !containers.containsKey(t.spec.id())) return;
            t.attached = false;
            syncRules();
            network.detach(t.spec.id());
        }
    }

    private boolean awaitExit(Tracked t, long timeoutMs) {
        var exit = t.exit;
        if (exit == null) return true;
        try {
            exit.get(Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    private void signalInit(Tracked t, int signal) throws IOException {
        JsonNode running = readJson(t.dirs.running());
        int initPid = running == null ? 0 : running.path("init_pid").asInt();
        if (initPid <= 0 || !LibC.signal(initPid, signal)) {
            throw new HelperException(HelperError.CONFLICT, "container is not running");
        }
    }

    /** The container's state from the files ({@link ContainerStates}). */
    private ContainerState state(Tracked t) {
        JsonNode running = readJson(t.dirs.running());
        boolean initAlive = running != null && (t.exit == null || !t.exit.isDone())
                && InitProcess.isInitFor(running.path("init_pid").asInt(), t.dirs.initConfig());
        return ContainerStates.fromFiles(t.spec.id(), readJson(t.dirs.exit()), running, initAlive);
    }

    private JsonNode readJson(Path file) {
        try {
            return Files.exists(file) ? json.readTree(file.toFile()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void deleteQuietly(Path root) {
        try {
            dev.yoq.node.daemon.sys.Trees.delete(root);
        } catch (IOException e) {
            log.accept("cannot delete " + root + ": " + e.getMessage());
        }
    }

    /** What state.json holds. */
    public record StateFile(ContainerSpec spec, long createdAtMs) {}

    private static final class Tracked {
        final ContainerSpec spec;
        final ContainerDirs dirs;
        volatile int pid;
        volatile java.util.concurrent.CompletableFuture<ContainerState> exit;
        /** Whether its namespace and veth exist: from create or start until its process ends. */
        volatile boolean attached;
        /** Counts starts, so the cleanup of one run never tears down the network of the next. */
        volatile int run;

        Tracked(ContainerSpec spec, ContainerDirs dirs) {
            this.spec = spec;
            this.dirs = dirs;
        }
    }
}
