package dev.yoq.node.daemon.container;

import java.nio.file.Path;

/**
 * A container's directory, {@code <data>/containers/<id>/}: state.json (the spec, written by the helper),
 * init.conf, running.json and exit.json (written by yoq-init), and the overlay's upper, work and rootfs dirs.
 */
public record ContainerDirs(Path root) {
    public Path state() { return root.resolve("state.json"); }
    public Path initConfig() { return root.resolve("init.conf"); }
    public Path running() { return root.resolve("running.json"); }
    public Path exit() { return root.resolve("exit.json"); }
    public Path upper() { return root.resolve("upper"); }
    public Path work() { return root.resolve("work"); }
    public Path rootfs() { return root.resolve("rootfs"); }
}
