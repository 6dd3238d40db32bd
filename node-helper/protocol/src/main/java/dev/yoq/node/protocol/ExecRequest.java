package dev.yoq.node.protocol;

import java.util.List;

/** One command to run inside a running container; cwd "/" and an empty environment unless given (spec §1.1). */
public record ExecRequest(String id, List<String> command, List<String> env, String workingDir, long timeoutMs) {
    public ExecRequest {
        command = List.copyOf(command);
        env = env == null ? List.of() : List.copyOf(env);
        workingDir = workingDir == null || workingDir.isBlank() ? "/" : workingDir;
    }
}
