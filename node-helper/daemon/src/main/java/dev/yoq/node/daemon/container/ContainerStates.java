package dev.yoq.node.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.node.protocol.ContainerState;

/** A container's state from the facts yoq-init leaves in files. Pure. */
final class ContainerStates {
    private ContainerStates() {}

    /**
     * exit.json wins; then running.json with its yoq-init alive is running; running.json whose yoq-init died
     * without writing exit.json (kill -9) is exited 255 (the container went with its cgroup); neither is created.
     */
    static ContainerState fromFiles(String id, JsonNode exit, JsonNode running, boolean initAlive) {
        Long started = running == null ? null : running.path("started_at_ms").asLong();
        if (exit != null) {
            return new ContainerState(id, ContainerState.EXITED, null, exit.path("exit_code").asInt(),
                    exit.path("signal").asInt(), exit.path("oom_killed").asBoolean(), started, exit.path("finished_at_ms").asLong());
        }
        if (running != null) {
            if (initAlive) return new ContainerState(id, ContainerState.RUNNING, running.path("pid").asInt(), null, null, false, started, null);
            return new ContainerState(id, ContainerState.EXITED, null, 255, null, false, started, null);
        }
        return new ContainerState(id, ContainerState.CREATED, null, null, null, false, null, null);
    }
}
