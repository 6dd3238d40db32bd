package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A service with its VIP and published ports (migration V007); named {@code <app>-<service>}. */
@Entity
@Table(name = "services")
public class ServiceRecord {
    @Id
    @Column(name = "service_name")
    private String name;
    @Column(name = "app_name", nullable = false)
    private String appName;
    @Column(name = "workload_name", nullable = false)
    private String workloadName;
    @Column(name = "vip_address", nullable = false, unique = true)
    private String vipAddress;
    @Column(name = "lb_policy", nullable = false)
    private String lbPolicy = "consistent_hash";
    @Column(name = "ports_json", nullable = false)
    private String portsJson = "[]";
    @Column(name = "desired_replicas", nullable = false)
    private int desiredReplicas = 1;
    @Column(name = "http_routes_json", nullable = false)
    private String httpRoutesJson = "[]";
    @Column(name = "tls_domain")
    private String tlsDomain;

    /** tls.peer of the release now rolled out: off, warn or require (migration V018). */
    @Column(name = "tls_peer")
    private String tlsPeer = "off";
    @Column(name = "created_at", nullable = false)
    private long createdAt;
    @Column(name = "updated_at", nullable = false)
    private long updatedAt;

    protected ServiceRecord() {
    }

    public ServiceRecord(String name, String appName, String workloadName, String vipAddress, long at) {
        this.name = name;
        this.appName = appName;
        this.workloadName = workloadName;
        this.vipAddress = vipAddress;
        this.createdAt = at;
        this.updatedAt = at;
    }

    public void update(String portsJson, int desiredReplicas, long at) {
        this.portsJson = portsJson;
        this.desiredReplicas = desiredReplicas;
        this.updatedAt = at;
    }

    /** The HTTP routes and TLS domain of the release now being rolled out (migration V008). */
    public void edge(String httpRoutesJson, String tlsDomain) {
        this.httpRoutesJson = httpRoutesJson == null ? "[]" : httpRoutesJson;
        this.tlsDomain = tlsDomain == null || tlsDomain.isBlank() ? null : tlsDomain;
    }

    public void tlsPeer(String peer) {
        this.tlsPeer = peer == null || peer.isBlank() ? "off" : peer;
    }

    public String getName() { return name; }
    public String getAppName() { return appName; }
    public String getWorkloadName() { return workloadName; }
    public String getVipAddress() { return vipAddress; }
    public String getLbPolicy() { return lbPolicy; }
    public String getPortsJson() { return portsJson; }
    public int getDesiredReplicas() { return desiredReplicas; }
    public String getHttpRoutesJson() { return httpRoutesJson; }
    public String getTlsDomain() { return tlsDomain; }
    public String getTlsPeer() { return tlsPeer == null ? "off" : tlsPeer; }
    public long getCreatedAt() { return createdAt; }
    public long getUpdatedAt() { return updatedAt; }
}
