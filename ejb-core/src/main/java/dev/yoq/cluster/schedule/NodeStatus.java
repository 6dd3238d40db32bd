package dev.yoq.cluster.schedule;

import java.util.Locale;

/** An agent's status (spec: active, draining, offline). Only active nodes take new work. */
public enum NodeStatus {
    ACTIVE, DRAINING, OFFLINE;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public static NodeStatus parse(String s) {
        for (NodeStatus v : values()) if (v.wire().equals(s)) return v;
        throw new IllegalArgumentException("unknown node status: " + s + " (active, draining or offline)");
    }
}
