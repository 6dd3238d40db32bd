package dev.yoq.manifest;

import dev.yoq.manifest.Manifest.Common;
import dev.yoq.manifest.Manifest.Mount;
import java.nio.file.Path;
import java.util.List;

/**
 * Relative host paths in a manifest (bind-mount sources, rootfs directories given as image) mean "from the
 * manifest's directory"; the server has no such directory, so the CLI makes them absolute before it sends the
 * snapshot. Pure.
 */
public final class ManifestPaths {
    private ManifestPaths() {}

    public static Manifest absolute(Manifest m, Path base) {
        return new Manifest(m.appName(),
                m.services().stream().map(s -> new Manifest.Service(s.name(), common(s.common(), base), s.ports(), s.dependsOn(), s.restart(),
                        s.healthCheck(), s.rollout(), s.tls(), s.httpRoutes(), s.gpu(), s.gpuMesh(), s.replicas(), s.cpuLimit(),
                        s.memoryLimitMb(), s.requiredLabels(), s.alerts())).toList(),
                m.workers().stream().map(w -> new Manifest.Worker(w.name(), common(w.common(), base), w.dependsOn(), w.gpu(), w.gpuMesh(),
                        w.requiredLabels())).toList(),
                m.crons().stream().map(c -> new Manifest.Cron(c.name(), common(c.common(), base), c.every())).toList(),
                m.trainingJobs().stream().map(t -> new Manifest.TrainingJob(t.name(), common(t.common(), base), t.gpus(), t.gpuType(),
                        t.cpuLimit(), t.memoryLimitMb(), t.ibRequired(), t.spareRanks(), t.autoRestart(), t.maxRestarts(), t.data(),
                        t.checkpoint())).toList(),
                m.volumes().stream().map(v -> "host".equals(v.driver()) && v.path() != null && !v.path().startsWith("/")
                        ? new Manifest.VolumeDecl(v.name(), v.driver(), path(v.path(), base), v.server(), v.options()) : v).toList(),
                m.backup());
    }

    static Common common(Common c, Path base) {
        String image = isRelativePath(c.image()) ? path(c.image(), base) : c.image();
        List<Mount> mounts = c.volumes().stream().map(v -> "bind".equals(v.kind()) && !v.source().startsWith("/")
                ? new Mount(path(v.source(), base), v.target(), v.kind(), v.readOnly()) : v).toList();
        return c.with(image, mounts);
    }

    static boolean isRelativePath(String image) {
        return image != null && (image.startsWith("./") || image.startsWith("../") || image.equals(".") || image.equals(".."));
    }

    private static String path(String relative, Path base) {
        return base.toAbsolutePath().resolve(relative).normalize().toString();
    }
}
