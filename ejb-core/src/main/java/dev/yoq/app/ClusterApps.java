package dev.yoq.app;

import dev.yoq.manifest.Manifest;
import java.util.ArrayList;
import java.util.List;

/**
 * What an app may ask of a cluster today: services whose replicas run on agents, workers and crons whose runs go
 * to an agent, each from an image reference, with {@code required_labels} of the form k=v, mounting named volumes
 * (a local one keeps the work that mounts it on the agent that has it). Training jobs, bind mounts, GPU workers,
 * and a rootfs directory as an image are refused before anything is recorded.
 */
final class ClusterApps {
    private ClusterApps() {}

    static void check(Manifest m) {
        List<String> problems = new ArrayList<>();
        m.trainingJobs().forEach(t -> problems.add("training job " + t.name()));
        if (!problems.isEmpty()) {
            throw new AppException(AppException.Kind.INVALID, "a cluster runs an app's services, workers and crons on agents; "
                    + String.join(", ", problems) + " cannot run on a cluster yet");
        }
        for (Manifest.Cron c : m.crons()) runsOnAgents("cron " + c.name(), c.common(), List.of());
        for (Manifest.Service s : m.services()) {
            runsOnAgents("service " + s.name(), s.common(), s.requiredLabels());
            if (s.tls() != null && !"off".equals(s.tls().peer())) {   // the CA's key is sealed by one node's secrets.key
                throw new AppException(AppException.Kind.INVALID, "service " + s.name() + ": tls.peer = " + s.tls().peer()
                        + " (service mTLS) is not built for clusters yet (docs/security.md); use it on a single node");
            }
        }
        for (Manifest.Worker w : m.workers()) {
            if (w.gpu() != null || w.gpuMesh() != null) {
                throw new AppException(AppException.Kind.INVALID, "worker " + w.name() + ": GPU workers cannot run on a cluster yet");
            }
            runsOnAgents("worker " + w.name(), w.common(), w.requiredLabels());
        }
    }

    private static void runsOnAgents(String what, Manifest.Common c, List<String> requiredLabels) {
        List<String> labelProblems = new ArrayList<>();
        dev.yoq.cluster.work.ClusterWork.requiredLabels(requiredLabels, labelProblems);
        if (!labelProblems.isEmpty()) {
            throw new AppException(AppException.Kind.INVALID, what + ": required_labels: " + String.join("; ", labelProblems));
        }
        for (Manifest.Mount mount : c.volumes() == null ? List.<Manifest.Mount>of() : c.volumes()) {
            if (!"named".equals(mount.kind())) {   // its path is on the machine that ran yoq up, not on the agent
                throw new AppException(AppException.Kind.INVALID, what + ": the bind mount " + mount.source() + ":" + mount.target()
                        + " cannot be used on a cluster (its path is on the machine that runs yoq up); use a named volume ([volume.<name>])");
            }
        }
        String image = c.image();
        if (image == null || image.isBlank() || image.startsWith("/") || image.startsWith(".")) {
            throw new AppException(AppException.Kind.INVALID, what + ": on a cluster the image must be a "
                    + "registry reference that every agent can pull, not " + (image == null || image.isBlank() ? "empty" : "the directory " + image));
        }
    }
}
