package dev.yoq.state;

import dev.yoq.node.protocol.NodeNames;

import dev.yoq.model.ContainerRecord;
import dev.yoq.model.IpAllocation;
import dev.yoq.model.PortMappingRecord;
import dev.yoq.network.Ipam;
import dev.yoq.node.protocol.PortMapping;
import java.util.List;
import jakarta.persistence.EntityManager;

/** The state machine's container commands (kept apart so that StateMachine stays a dispatcher). */
final class ContainerTransitions {
    private ContainerTransitions() {}

    static Object apply(Command<?> command, EntityManager em) {
        if (command instanceof Command.CreateContainer c) return create(c, em);
        if (command instanceof Command.RecordContainerStarted c) return started(c, em);
        if (command instanceof Command.RecordContainerEnded c) return ended(c, em);
        if (command instanceof Command.SetContainerDesiredState c) {
            find(c.id(), em).setDesiredState(c.desiredState());
            return null;
        }
        if (command instanceof Command.RemoveContainer c) return remove(c, em);
        if (command instanceof Command.SetContainerSecrets c) {
            find(c.containerId(), em);
            em.createNativeQuery("DELETE FROM container_secrets WHERE container_id = ?1").setParameter(1, c.containerId()).executeUpdate();
            for (String f : c.files()) insertSecret(c.containerId(), f, "", em);
            for (String e : c.env()) insertSecret(c.containerId(), e.substring(e.indexOf('=') + 1), e.substring(0, e.indexOf('=')), em);
            return null;
        }
        throw new IllegalArgumentException(command.getClass().getName());
    }

    private static String create(Command.CreateContainer c, EntityManager em) {
        if (em.find(ContainerRecord.class, c.id()) != null) {
            throw new CommandRejectedException("container id " + c.id() + " is taken");
        }
        if (c.name() != null && !em.createQuery("SELECT r.id FROM ContainerRecord r WHERE r.name = :n", String.class)
                .setParameter("n", c.name()).getResultList().isEmpty()) {
            throw new CommandRejectedException("container name " + c.name() + " is already in use");
        }
        ContainerRecord record = new ContainerRecord(c.id(), c.name(), c.rootfs(), c.image(), c.command(), c.hostname(), c.specJson(),
                c.restartPolicy(), c.at());
        if (c.workload() != null) {
            Command.Workload w = c.workload();
            record.assignWorkload(w.app(), w.kind(), w.name(), w.releaseId(), w.configHash());
        }
        if (c.bridged()) {
            publish(c, em);
            List<String> used = em.createQuery("SELECT a.ipAddress FROM IpAllocation a", String.class).getResultList();
            String ip = Ipam.lowestFree(used, c.subnet());
            if (ip == null) {
                throw new CommandRejectedException("no free address left in " + (c.subnet() == null ? NodeNames.DEFAULTS.subnet() : c.subnet()));
            }
            em.persist(new IpAllocation(c.id(), ip, c.at()));
            record.attach(ip, "veth_" + c.id().substring(0, Math.min(10, c.id().length())));
            ServiceTransitions.addEndpoint(c, ip, em);
        } else if (!c.ports().isEmpty()) {
            throw new CommandRejectedException("ports: a container without a network (--no-net) cannot publish ports");
        }
        em.persist(record);
        return c.id();
    }

    /** Each (protocol, host port) leads to one container: a taken one is refused, naming who has it. */
    private static void publish(Command.CreateContainer c, EntityManager em) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (PortMapping p : c.ports()) {
            if (!seen.add(p.protocol() + "/" + p.hostPort())) {
                throw new CommandRejectedException("ports: host port " + p.hostPort() + "/" + p.protocol() + " is given twice");
            }
            PortMappingRecord owner = em.find(PortMappingRecord.class, new PortMappingRecord.Key(p.protocol(), p.hostPort()));
            if (owner != null) {
                throw new CommandRejectedException("ports: host port " + p.hostPort() + "/" + p.protocol() + " is already published by "
                        + ServiceTransitions.owner(owner, em));
            }
            em.persist(new PortMappingRecord(p.protocol(), p.hostPort(), c.id(), p.containerPort()));
        }
    }

    private static Integer started(Command.RecordContainerStarted c, EntityManager em) {
        ContainerRecord r = find(c.id(), em);
        boolean alreadyEnded = r.getStartedAt() != null && r.getStartedAt() == c.at() && r.getFinishedAt() != null;
        if (alreadyEnded) return r.getRestartCount();
        if (c.restart()) r.countRestart();
        r.started(c.pid(), c.at());
        return r.getRestartCount();
    }

    private static String ended(Command.RecordContainerEnded c, EntityManager em) {
        ContainerRecord r = find(c.id(), em);
        if (c.startedAt() != null && r.getStartedAt() != null && c.startedAt() < r.getStartedAt()) {
            return r.getStatus();   // news of an earlier run, overtaken by a restart
        }
        String status;
        if ("stopped".equals(r.getDesiredState())) status = "stopped";
        else if (c.exitCode() != null && c.exitCode() == 0 && !c.oomKilled()) status = "exited";
        else status = "failed";
        String reason = c.reason() != null ? c.reason() : c.oomKilled() ? "out of memory (OOM killed)" : null;
        r.ended(status, c.exitCode(), c.signal(), c.oomKilled(), reason, c.startedAt(), c.at());
        return status;
    }

    private static Void remove(Command.RemoveContainer c, EntityManager em) {
        ContainerRecord r = find(c.id(), em);
        if ("running".equals(r.getStatus())) throw new CommandRejectedException("cannot remove running container");
        IpAllocation lease = em.find(IpAllocation.class, c.id());
        if (lease != null) em.remove(lease);
        em.createQuery("DELETE FROM PortMappingRecord p WHERE p.containerId = :id").setParameter("id", c.id()).executeUpdate();
        em.createQuery("DELETE FROM ServiceEndpointRecord e WHERE e.containerId = :id").setParameter("id", c.id()).executeUpdate();
        em.createNativeQuery("DELETE FROM container_secrets WHERE container_id = ?1").setParameter(1, c.id()).executeUpdate();
        em.remove(r);
        return null;
    }

    private static void insertSecret(String container, String name, String env, EntityManager em) {
        em.createNativeQuery("INSERT OR IGNORE INTO container_secrets (container_id, name, env) VALUES (?1, ?2, ?3)")
                .setParameter(1, container).setParameter(2, name).setParameter(3, env).executeUpdate();
    }

    private static ContainerRecord find(String id, EntityManager em) {
        ContainerRecord r = em.find(ContainerRecord.class, id);
        if (r == null) throw new CommandRejectedException("no such container: " + id);
        return r;
    }
}
