package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A container's address on the node's bridge (spec §4.2 {@code ip_allocations}); epoch milliseconds. */
@Entity
@Table(name = "ip_allocations")
public class IpAllocation {
    @Id
    @Column(name = "container_id")
    private String containerId;

    @Column(name = "ip_address", nullable = false, unique = true)
    private String ipAddress;

    @Column(name = "allocated_at", nullable = false)
    private long allocatedAt;

    protected IpAllocation() {
    }

    public IpAllocation(String containerId, String ipAddress, long allocatedAt) {
        this.containerId = containerId;
        this.ipAddress = ipAddress;
        this.allocatedAt = allocatedAt;
    }

    public String getContainerId() { return containerId; }

    public String getIpAddress() { return ipAddress; }

    public long getAllocatedAt() { return allocatedAt; }
}
