package dev.yoq.node.daemon.cgroup;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a container goes: the cgroup.procs files yoq-init writes the child's pid into (one per v1 hierarchy, or
 * one v2 file), and the counter that tells an OOM kill from any other SIGKILL.
 */
public record Placement(List<Path> procsFiles, Path oomCounterFile, String oomCounterKey) {}
