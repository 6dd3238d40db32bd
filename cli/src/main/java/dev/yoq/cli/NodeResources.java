package dev.yoq.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a joining node reports of itself (spec §5.3): cores, memory and how much of them is in use, from /proc. */
record NodeResources(int cpuCores, long memoryMb, long cpuUsedMillicores, long memoryUsedMb) {

    static NodeResources read() {
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            return parse(cores, Files.readString(Path.of("/proc/meminfo")), Files.readString(Path.of("/proc/loadavg")));
        } catch (IOException e) {
            throw new CliException("cannot read this node's resources from /proc: " + e.getMessage(), e);
        }
    }

    /** MemTotal and MemAvailable (kB) from meminfo; the 1-minute load average as millicores in use, at most all of them. */
    static NodeResources parse(int cores, String meminfo, String loadavg) {
        long totalKb = field(meminfo, "MemTotal:");
        long availableKb = field(meminfo, "MemAvailable:");
        double load = Double.parseDouble(loadavg.strip().split("\\s+")[0]);
        long used = Math.min((long) (load * 1000), cores * 1000L);
        return new NodeResources(cores, Math.max(1, totalKb / 1024), used, Math.max(0, (totalKb - availableKb) / 1024));
    }

    private static long field(String meminfo, String name) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith(name)) return Long.parseLong(line.substring(name.length()).strip().split("\\s+")[0]);
        }
        throw new CliException("/proc/meminfo has no " + name);
    }
}
