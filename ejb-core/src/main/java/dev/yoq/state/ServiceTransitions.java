package dev.yoq.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.model.ContainerRecord;
import dev.yoq.model.PortMappingRecord;
import dev.yoq.model.ServiceEndpointRecord;
import dev.yoq.model.ServiceRecord;
import dev.yoq.network.Ipam;
import dev.yoq.node.protocol.PortMapping;
import jakarta.persistence.EntityManager;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Services, their VIPs, published ports and endpoints (deterministic, like every transition). */
final class ServiceTransitions {
    static final Set<String> STATES = Set.of(ServiceEndpointRecord.ACTIVE, ServiceEndpointRecord.STANDBY, ServiceEndpointRecord.DRAINING);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PORT_OWNER = "service:";

    private ServiceTransitions() {}

    static Object apply(Command<?> command, EntityManager em) {
        if (command instanceof Command.EnsureService c) return ensure(c, em);
        if (command instanceof Command.RemoveService c) return remove(c, em);
        if (command instanceof Command.SetEndpointStates c) return setStates(c, em);
        throw new IllegalArgumentException(command.getClass().getName());
    }

    private static String ensure(Command.EnsureService c, EntityManager em) {
        if (c.replicas() < 1 || c.replicas() > dev.yoq.node.protocol.ServiceVip.MAX_BACKENDS) {
            throw new CommandRejectedException("replicas must be 1-" + dev.yoq.node.protocol.ServiceVip.MAX_BACKENDS + ", got " + c.replicas());
        }
        String name = Command.serviceName(c.app(), c.workload());
        ServiceRecord s = em.find(ServiceRecord.class, name);
        if (s != null && (!s.getAppName().equals(c.app()) || !s.getWorkloadName().equals(c.workload()))) {
            // app "my" with service "shop-web" and app "my-shop" with service "web" would share one name and VIP
            throw new CommandRejectedException("service name " + name + " is taken by app " + s.getAppName() + ", service "
                    + s.getWorkloadName() + ": rename the app or the service");
        }
        if (s == null) {
            List<String> used = em.createQuery("SELECT s.vipAddress FROM ServiceRecord s", String.class).getResultList();
            String range = c.vipSubnet() == null ? dev.yoq.node.protocol.NodeNames.DEFAULTS.vipSubnet() : c.vipSubnet();
            String vip = Ipam.lowestFree(used, range);
            if (vip == null) throw new CommandRejectedException("no free VIP left in " + range);
            s = new ServiceRecord(name, c.app(), c.workload(), vip, c.at());
            em.persist(s);
        }
        em.createQuery("DELETE FROM PortMappingRecord p WHERE p.containerId = :o").setParameter("o", PORT_OWNER + name).executeUpdate();
        Set<String> seen = new HashSet<>();
        for (PortMapping p : c.ports()) {
            if (!seen.add(p.protocol() + "/" + p.hostPort())) {
                throw new CommandRejectedException("ports: host port " + p.hostPort() + "/" + p.protocol() + " is given twice");
            }
            PortMappingRecord owner = em.find(PortMappingRecord.class, new PortMappingRecord.Key(p.protocol(), p.hostPort()));
            if (owner != null && ownContainer(owner, c, em)) {
                em.remove(owner);   // the service's own container from before services: the service takes its port over
                em.flush();
            } else if (owner != null) {
                throw new CommandRejectedException("ports: host port " + p.hostPort() + "/" + p.protocol() + " is already published by " + owner(owner, em));
            }
            em.persist(new PortMappingRecord(p.protocol(), p.hostPort(), PORT_OWNER + name, p.containerPort()));
        }
        try {
            s.update(JSON.writeValueAsString(c.ports()), c.replicas(), c.at());
            s.edge(c.httpRoutesJson(), c.tlsDomain());
            s.tlsPeer(c.tlsPeer());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return s.getVipAddress();
    }

    private static Void remove(Command.RemoveService c, EntityManager em) {
        String name = Command.serviceName(c.app(), c.workload());
        ServiceRecord s = em.find(ServiceRecord.class, name);
        if (s == null) return null;
        em.createQuery("DELETE FROM PortMappingRecord p WHERE p.containerId = :o").setParameter("o", PORT_OWNER + name).executeUpdate();
        em.createQuery("DELETE FROM ServiceEndpointRecord e WHERE e.serviceName = :n").setParameter("n", name).executeUpdate();
        em.remove(s);
        return null;
    }

    private static Integer setStates(Command.SetEndpointStates c, EntityManager em) {
        int changed = 0;
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(c.states()).entrySet()) {
            if (!STATES.contains(e.getValue())) throw new CommandRejectedException("endpoint state must be active, standby or draining, got " + e.getValue());
            ServiceEndpointRecord r = em.find(ServiceEndpointRecord.class, new ServiceEndpointRecord.Key(c.service(), e.getKey()));
            if (r == null) throw new CommandRejectedException("service " + c.service() + " has no endpoint " + e.getKey());
            if (!r.getAdminState().equals(e.getValue())) {
                r.admin(e.getValue(), c.at());
                changed++;
            }
        }
        return changed;
    }

    /** A new replica of a service becomes its endpoint (the container's id is the endpoint's). */
    static void addEndpoint(Command.CreateContainer c, String ip, EntityManager em) {
        Command.Workload w = c.workload();
        if (w == null || !"service".equals(w.kind())) return;
        String name = Command.serviceName(w.app(), w.name());
        if (em.find(ServiceRecord.class, name) == null) return;   // containers of releases before services existed
        String state = w.endpointState() == null ? ServiceEndpointRecord.ACTIVE : w.endpointState();
        if (!STATES.contains(state)) throw new CommandRejectedException("endpoint state must be active, standby or draining, got " + state);
        em.persist(new ServiceEndpointRecord(name, c.id(), c.id(), ip, 0, state, c.at()));
    }

    private static boolean ownContainer(PortMappingRecord owner, Command.EnsureService c, EntityManager em) {
        ContainerRecord r = em.find(ContainerRecord.class, owner.getContainerId());
        return r != null && c.app().equals(r.getAppName()) && "service".equals(r.getWorkloadKind()) && c.workload().equals(r.getWorkloadName());
    }

    /** Who holds a published port, for the refusal: a container (name and id) or a service. */
    static String owner(PortMappingRecord owner, EntityManager em) {
        if (owner.getContainerId().startsWith(PORT_OWNER)) return "service " + owner.getContainerId().substring(PORT_OWNER.length());
        ContainerRecord other = em.find(ContainerRecord.class, owner.getContainerId());
        return "container " + (other != null && other.getName() != null ? other.getName() + " (" + owner.getContainerId() + ")" : owner.getContainerId());
    }
}
