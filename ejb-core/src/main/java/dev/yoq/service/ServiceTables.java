package dev.yoq.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.model.ContainerRecord;
import dev.yoq.model.ServiceEndpointRecord;
import dev.yoq.model.ServiceRecord;
import dev.yoq.node.protocol.PortMapping;
import dev.yoq.node.protocol.ServiceVip;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The VIP table a node serves (pure): per service, the backends that take new flows (endpoint active, container
 * running, health serving) and every running member (what a policy naming the service applies to).
 */
public final class ServiceTables {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServiceTables() {}

    public static List<ServiceVip> build(List<ServiceRecord> services, List<ServiceEndpointRecord> endpoints,
                                         Map<String, ContainerRecord> containers, Predicate<ContainerRecord> healthServing) {
        List<ServiceVip> out = new ArrayList<>();
        for (ServiceRecord s : services) {
            List<String> backends = new ArrayList<>(), members = new ArrayList<>();
            for (ServiceEndpointRecord e : endpoints) {
                if (!e.getServiceName().equals(s.getName())) continue;
                ContainerRecord c = containers.get(e.getContainerId());
                if (c == null || !"running".equals(c.getStatus()) || c.getIpAddress() == null) continue;
                members.add(c.getIpAddress());
                if (eligible(e, c, healthServing)) backends.add(c.getIpAddress());
            }
            out.add(new ServiceVip(s.getName(), aliases(s), s.getVipAddress(), ports(s), backends.stream().limit(ServiceVip.MAX_BACKENDS).toList(),
                    members));
        }
        return out;
    }

    /** Takes new flows: active, running, and healthy as far as its health check goes. */
    public static boolean eligible(ServiceEndpointRecord e, ContainerRecord c, Predicate<ContainerRecord> healthServing) {
        return ServiceEndpointRecord.ACTIVE.equals(e.getAdminState()) && c != null && "running".equals(c.getStatus())
                && healthServing.test(c);
    }

    /** {@code <service>} and {@code <service>.<app>} besides the registry name {@code <app>-<service>}. */
    public static List<String> aliases(ServiceRecord s) {
        return List.of(s.getWorkloadName(), s.getWorkloadName() + "." + s.getAppName());
    }

    public static List<PortMapping> ports(ServiceRecord s) {
        try {
            return JSON.readValue(s.getPortsJson(), new TypeReference<List<PortMapping>>() {});
        } catch (java.io.IOException e) {
            throw new IllegalStateException("service " + s.getName() + ": unreadable ports " + s.getPortsJson(), e);
        }
    }
}
