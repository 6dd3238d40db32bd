package dev.yoq.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.image.ImageService;
import dev.yoq.model.ContainerRecord;
import dev.yoq.node.NodeClient;
import dev.yoq.node.NodeConnector;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.security.SecretDelivery;
import dev.yoq.node.protocol.PortMapping;
import dev.yoq.node.protocol.ContainerState;
import dev.yoq.node.protocol.ExecRequest;
import dev.yoq.node.protocol.ExecResult;
import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HelperException;
import dev.yoq.server.ServerStartup;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.FreshReads;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Container lifecycle on this node: decides, records each step as a command, and has the helper carry it out.
 * Exits and restarts are the {@link ContainerSupervisor}'s; this class answers users.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ContainerService {
    /** spec §1.1 stop: SIGTERM, then SIGKILL; the grace period is 10 s. */
    public static final long STOP_GRACE_MS = 10_000;
    private static final Pattern ID = Pattern.compile("[0-9a-f]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @Inject
    CommandBus bus;

    @Inject
    NodeConnector node;

    @EJB
    ServerStartup startup;

    @EJB
    ImageService images;

    @Inject
    SecretDelivery secretDelivery;

    @Inject
    dev.yoq.security.mtls.ServiceCerts serviceCerts;

    /** An app workload's container: recorded with its app, workload, release and config hash; its own hostname. */
    public record Placement(Command.Workload workload, String hostname, String workingDir) {}

    public ContainerView run(RunRequest request) {
        return run(request, null);
    }

    public ContainerView run(RunRequest request, Placement placement) {
        List<String> problems = RunRequestRules.problems(startup.settings().hostPaths(), request);
        if (!problems.isEmpty()) throw new ContainerException(ContainerException.Kind.INVALID, String.join("; ", problems));
        String id = newId();
        dev.yoq.node.protocol.NodeNames names = startup.settings().names();
        ImageService.Resolved image = RunRequestRules.isPath(request.target()) ? null : images.resolve(request.target());
        SecretDelivery.Resolved secrets = secrets(request);
        ContainerSpec spec;
        try {
            spec = placement == null ? RunRequestRules.toSpec(id, request, image)
                    : RunRequestRules.toSpec(id, request, image, placement.hostname(), placement.workingDir());
            // a secret's variable replaces the workload's own; its value reaches only the container's tmpfs, never the spec
            if (!secrets.env().isEmpty()) spec = spec.withEnv(SecretDelivery.withoutSecretVars(spec.env(), request.envSecrets()));
            List<PortMapping> ports = RunRequestRules.ports(request);
            bus.submit(new Command.CreateContainer(id, request.name(), image != null ? "" : spec.lowerDirs().get(0),
                    image != null ? image.reference() : null, String.join(" ", spec.command()), spec.hostname(),
                    JSON.writeValueAsString(spec), RestartPolicy.parse(request.restart()).cliName(), spec.network(), ports,
                    placement == null ? null : placement.workload(), System.currentTimeMillis(), names.subnet()));
            if (secrets.any()) recordSecretUses(id, request);
            String ip = spec.network() ? record(id).getIpAddress() : null;
            if (ip != null) spec = spec.withNet(new ContainerSpec.Net(ip + "/" + names.prefixLength(), names.gateway(), ports));

        } catch (IOException | IllegalArgumentException e) {
            throw new ContainerException(ContainerException.Kind.INVALID, e.getMessage());
        } catch (dev.yoq.state.CommandRejectedException e) {
            throw new ContainerException(ContainerException.Kind.INVALID, e.getMessage());
        }
        try (NodeClient client = node.open()) {
            boolean files = secrets.any() || (placement != null && serviceCerts.wants(placement.workload()));
            ContainerState state = files ? createWithSecrets(client, spec) : client.run(spec);
            bus.submit(new Command.RecordContainerStarted(id, state.pid(), false, state.startedAtMs()));
        } catch (HelperException e) {
            recordStartFailure(id, e);
            throw new ContainerException(ContainerException.Kind.START_FAILED, e.getMessage());
        } catch (IOException e) {
            recordStartFailure(id, e);
            throw unavailable(e);
        }
        return get(id);
    }

    private SecretDelivery.Resolved secrets(RunRequest request) {
        if (request.secrets().isEmpty() && request.envSecrets().isEmpty()) return new SecretDelivery.Resolved(java.util.Map.of(), java.util.Map.of());
        try {
            return secretDelivery.resolve(request.secrets(), request.envSecrets());
        } catch (dev.yoq.security.SecurityException e) {
            throw new ContainerException(ContainerException.Kind.INVALID, (request.name() == null ? "" : request.name() + ": ") + e.getMessage());
        }
    }

    /** Which secrets it has, each checked again under the removal lock; a secret gone meanwhile fails the container. */
    private void recordSecretUses(String id, RunRequest request) {
        try {
            secretDelivery.recordUses(id, request.secrets(), request.envSecrets());
        } catch (dev.yoq.security.SecurityException e) {
            recordStartFailure(id, e);
            throw new ContainerException(ContainerException.Kind.INVALID, (request.name() == null ? "" : request.name() + ": ") + e.getMessage());
        }
    }

    /** Created, given its secrets (read anew), then started; a failure on the way leaves no container in the helper. */
    private ContainerState createWithSecrets(NodeClient client, ContainerSpec spec) throws IOException {
        client.create(spec);
        try {
            secretDelivery.deliver(client, spec.id());
            return client.start(spec.id());
        } catch (IOException | RuntimeException e) {
            try {
                client.remove(spec.id());
            } catch (HelperException | IOException ignored) {
                // the helper reports the first failure; a container it cannot remove shows in ps as failed
            }
            if (e instanceof HelperException h) throw h;
            if (e instanceof IOException io) throw io;
            // a secret that cannot be given, or a service certificate that cannot be made or opened
            throw new HelperException(HelperError.INVALID, e.getMessage());
        }
    }

    private void recordStartFailure(String id, Exception e) {
        bus.submit(new Command.RecordContainerEnded(id, null, null, false, "start failed: " + e.getMessage(), null,
                System.currentTimeMillis()));
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<ContainerView> list() {
        return FreshReads.fresh(em.createQuery("SELECT r FROM ContainerRecord r ORDER BY r.createdAt, r.id", ContainerRecord.class))
                .getResultList().stream().map(ContainerView::of).toList();
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public ContainerView get(String id) {
        return ContainerView.of(record(id));
    }

    /** Stops a running container (SIGTERM, SIGKILL after the grace period), or ends a restart loop between runs. */
    public ContainerView stop(String id) {
        ContainerRecord r = record(id);
        boolean awaitingRestart = !"running".equals(r.getStatus()) && "running".equals(r.getDesiredState())
                && RestartPolicy.parse(r.getRestartPolicy()) != RestartPolicy.NO && !"created".equals(r.getStatus());
        if (awaitingRestart) {   // between two runs of a restart policy: stopping means "do not come back"
            bus.submit(new Command.SetContainerDesiredState(id, "stopped"));
            return get(id);
        }
        if (!"running".equals(r.getStatus())) throw notRunning();
        bus.submit(new Command.SetContainerDesiredState(id, "stopped"));
        try (NodeClient client = node.open()) {
            ContainerState end = client.stop(id, STOP_GRACE_MS);
            ContainerSupervisor.recordEnd(bus, end);
        } catch (HelperException e) {
            if (!HelperError.CONFLICT.equals(e.code())) throw new ContainerException(ContainerException.Kind.UNAVAILABLE, e.getMessage());
        } catch (IOException e) {
            throw unavailable(e);
        }
        return get(id);
    }

    public void remove(String id) {
        ContainerRecord r = record(id);
        if ("running".equals(r.getStatus())) {
            throw new ContainerException(ContainerException.Kind.WRONG_STATE, "cannot remove running container");
        }
        try (NodeClient client = node.open()) {
            client.remove(id);
        } catch (HelperException e) {
            if (HelperError.CONFLICT.equals(e.code())) throw new ContainerException(ContainerException.Kind.WRONG_STATE, e.getMessage());
            if (!HelperError.NOT_FOUND.equals(e.code())) throw new ContainerException(ContainerException.Kind.UNAVAILABLE, e.getMessage());
        } catch (IOException e) {
            throw unavailable(e);
        }
        bus.submit(new Command.RemoveContainer(id));
    }

    /** Stops the container if it runs, then starts it again (same filesystem, same log). */
    public ContainerView restart(String id) {
        if (record(id).getStatus().equals("running")) stop(id);
        bus.submit(new Command.SetContainerDesiredState(id, "running"));
        try (NodeClient client = node.open()) {
            secretDelivery.beforeStart(client, id);
            ContainerState state = client.start(id);
            bus.submit(new Command.RecordContainerStarted(id, state.pid(), true, state.startedAtMs()));
        } catch (HelperException e) {
            throw new ContainerException(ContainerException.Kind.START_FAILED, e.getMessage());
        } catch (IOException e) {
            throw unavailable(e);
        }
        return get(id);
    }

    /** Waits up to timeoutMs for a running container to end; returns it either way. */
    public ContainerView await(String id, long timeoutMs) {
        if (!"running".equals(record(id).getStatus())) return get(id);
        try (NodeClient client = node.open()) {
            ContainerSupervisor.recordEnd(bus, client.await(id, Math.min(Math.max(timeoutMs, 0), 60_000)));
        } catch (HelperException e) {
            throw new ContainerException(ContainerException.Kind.UNAVAILABLE, e.getMessage());
        } catch (IOException e) {
            throw unavailable(e);
        }
        return get(id);
    }

    public ExecResult exec(String id, List<String> command) {
        if (command == null || command.isEmpty()) throw new ContainerException(ContainerException.Kind.INVALID, "command: missing");
        if (command.size() > 256) throw new ContainerException(ContainerException.Kind.INVALID, "command: more than 256 arguments");
        if (!"running".equals(record(id).getStatus())) throw notRunning();
        try (NodeClient client = node.open()) {
            return client.exec(new ExecRequest(id, command, List.of(), "/", 0));
        } catch (HelperException e) {
            if (HelperError.CONFLICT.equals(e.code())) throw notRunning();
            throw new ContainerException(ContainerException.Kind.START_FAILED, e.getMessage());
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    /** Current memory, pids and pressure (PSI avg10, where the kernel has it) of a running container. */
    public java.util.Map<String, Object> stats(String id) {
        if (!"running".equals(record(id).getStatus())) throw notRunning();
        try (NodeClient client = node.open()) {
            return client.stats(id);
        } catch (HelperException e) {
            throw new ContainerException(ContainerException.Kind.UNAVAILABLE, e.getMessage());
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    /** The log text: the last {@code tail} lines, or (tail null) everything from {@code offset}. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public LogReader.Chunk logs(String id, Integer tail, long offset) {
        record(id);
        try {
            var file = startup.settings().layout().containerLog(id);
            return tail != null ? LogReader.tail(file, tail) : LogReader.from(file, offset);
        } catch (IOException e) {
            throw new ContainerException(ContainerException.Kind.UNAVAILABLE, "cannot read the log: " + e.getMessage());
        }
    }

    private ContainerRecord record(String id) {
        if (id == null || !ID.matcher(id).matches()) throw new ContainerException(ContainerException.Kind.INVALID, "invalid container id");
        ContainerRecord r = em.find(ContainerRecord.class, id, FreshReads.FIND);
        if (r == null) throw new ContainerException(ContainerException.Kind.NOT_FOUND, "container not found");
        return r;
    }

    private String newId() {
        for (int attempt = 0; attempt < 10; attempt++) {
            byte[] b = new byte[6];
            RANDOM.nextBytes(b);
            String id = HexFormat.of().formatHex(b);
            if (em.find(ContainerRecord.class, id) == null) return id;
        }
        throw new IllegalStateException("10 container id collisions in a row");
    }

    private static ContainerException notRunning() {
        return new ContainerException(ContainerException.Kind.WRONG_STATE, "container is not running");
    }

    static ContainerException unavailable(IOException e) {
        return new ContainerException(ContainerException.Kind.UNAVAILABLE, e.getMessage());
    }
}
