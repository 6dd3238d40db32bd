package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** One replica of a service as a backend of its VIP (migration V007); lives exactly as long as its container. */
@Entity
@Table(name = "service_endpoints")
@IdClass(ServiceEndpointRecord.Key.class)
public class ServiceEndpointRecord {
    public static final String ACTIVE = "active", STANDBY = "standby", DRAINING = "draining";

    @Id
    @Column(name = "service_name")
    private String serviceName;
    @Id
    @Column(name = "endpoint_id")
    private String endpointId;
    @Column(name = "container_id", nullable = false)
    private String containerId;
    @Column(name = "ip_address", nullable = false)
    private String ipAddress;
    @Column(name = "port", nullable = false)
    private int port;
    @Column(name = "weight", nullable = false)
    private int weight = 1;
    @Column(name = "admin_state", nullable = false)
    private String adminState;
    @Column(name = "generation", nullable = false)
    private long generation;
    @Column(name = "registered_at", nullable = false)
    private long registeredAt;
    @Column(name = "last_seen_at", nullable = false)
    private long lastSeenAt;

    protected ServiceEndpointRecord() {
    }

    public ServiceEndpointRecord(String serviceName, String endpointId, String containerId, String ipAddress, int port, String adminState,
                                 long at) {
        this.serviceName = serviceName;
        this.endpointId = endpointId;
        this.containerId = containerId;
        this.ipAddress = ipAddress;
        this.port = port;
        this.adminState = adminState;
        this.registeredAt = at;
        this.lastSeenAt = at;
    }

    public void admin(String state, long at) {
        this.adminState = state;
        this.generation++;
        this.lastSeenAt = at;
    }

    public String getServiceName() { return serviceName; }
    public String getEndpointId() { return endpointId; }
    public String getContainerId() { return containerId; }
    public String getIpAddress() { return ipAddress; }
    public int getPort() { return port; }
    public int getWeight() { return weight; }
    public String getAdminState() { return adminState; }
    public long getGeneration() { return generation; }
    public long getRegisteredAt() { return registeredAt; }
    public long getLastSeenAt() { return lastSeenAt; }

    public static class Key implements Serializable {
        private String serviceName;
        private String endpointId;

        public Key() {
        }

        public Key(String serviceName, String endpointId) {
            this.serviceName = serviceName;
            this.endpointId = endpointId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(k.serviceName, serviceName) && Objects.equals(k.endpointId, endpointId);
        }

        @Override
        public int hashCode() { return Objects.hash(serviceName, endpointId); }
    }
}
