package dev.yoq.cluster.schedule;

import java.util.Locale;

/** A node's role (spec: both, server, agent). A {@code server} node is never scheduled. */
public enum NodeRole {
    BOTH, SERVER, AGENT;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public boolean runsWork() { return this != SERVER; }

    public static NodeRole parse(String s) {
        for (NodeRole v : values()) if (v.wire().equals(s)) return v;
        throw new IllegalArgumentException("unknown role: " + s + " (server, agent or both)");
    }
}
