package dev.yoq.app;

import dev.yoq.manifest.Manifest;
import java.util.ArrayList;
import java.util.List;

/**
 * What an app may ask of a cluster today: services whose replicas run on agents from an image reference, with
 * {@code required_labels} of the form k=v. Workers, crons and training jobs, volumes, and a rootfs directory as an
 * image, are refused before anything is recorded.
 */
final class ClusterApps {
    private ClusterApps() {}

    static void check(Manifest m) {
        List<String> problems = new ArrayList<>();
        m.workers().forEach(w -> problems.add("worker " + w.name()));
        m.crons().forEach(c -> problems.add("cron " + c.name()));
        m.trainingJobs().forEach(t -> problems.add("training job " + t.name()));
        if (!problems.isEmpty()) {
            throw new AppException(AppException.Kind.INVALID, "a cluster runs an app's services on agents; "
                    + String.join(", ", problems) + " cannot run on a cluster yet");
        }
        for (Manifest.Service s : m.services()) {
            List<String> labelProblems = new ArrayList<>();
            dev.yoq.cluster.work.ClusterWork.requiredLabels(s, labelProblems);
            if (!labelProblems.isEmpty()) {
                throw new AppException(AppException.Kind.INVALID, "service " + s.name() + ": required_labels: " + String.join("; ", labelProblems));
            }
            if (s.common().volumes() != null && !s.common().volumes().isEmpty()) {   // a volume lives on one node: a replica placed elsewhere would not see it
                throw new AppException(AppException.Kind.INVALID, "service " + s.name() + ": volumes cannot be used on a cluster yet "
                        + "(a volume lives on one node and replicas move between agents)");
            }
            String image = s.common().image();
            if (image == null || image.isBlank() || image.startsWith("/") || image.startsWith(".")) {
                throw new AppException(AppException.Kind.INVALID, "service " + s.name() + ": on a cluster the image must be a "
                        + "registry reference that every agent can pull, not " + (image == null || image.isBlank() ? "empty" : "the directory " + image));
            }
        }
    }
}
