package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** A published port: (protocol, host port) on this node leads to one container's port (migration V004). */
@Entity
@Table(name = "port_mappings")
@IdClass(PortMappingRecord.Key.class)
public class PortMappingRecord {
    @Id
    @Column(name = "protocol")
    private String protocol;

    @Id
    @Column(name = "host_port")
    private int hostPort;

    @Column(name = "container_id", nullable = false)
    private String containerId;

    @Column(name = "container_port", nullable = false)
    private int containerPort;

    protected PortMappingRecord() {
    }

    public PortMappingRecord(String protocol, int hostPort, String containerId, int containerPort) {
        this.protocol = protocol;
        this.hostPort = hostPort;
        this.containerId = containerId;
        this.containerPort = containerPort;
    }

    public String getProtocol() { return protocol; }

    public int getHostPort() { return hostPort; }

    public String getContainerId() { return containerId; }

    public int getContainerPort() { return containerPort; }

    /** The composite key JPA needs. */
    public static class Key implements Serializable {
        private String protocol;
        private int hostPort;

        public Key() {
        }

        public Key(String protocol, int hostPort) {
            this.protocol = protocol;
            this.hostPort = hostPort;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hostPort == hostPort && Objects.equals(k.protocol, protocol);
        }

        @Override
        public int hashCode() { return Objects.hash(protocol, hostPort); }
    }
}
