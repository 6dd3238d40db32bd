package dev.yoq.manifest;

import java.util.List;

/**
 * Manifest keys that parse and validate but that nothing acts on yet (the hardening issue: nothing is accepted
 * silently). Each present key gives one warning naming it, until the issue that builds it removes its line
 * here: tls.acme.dns's providers other than exec, gpu and
 * gpu_mesh, [training.*], [backup], and the latency and error-rate alerts (they need the L7 proxy).
 */
public final class UnbuiltKeys {
    public static final String KIND = "NotBuiltYet";

    private UnbuiltKeys() {}

    /** ACME itself is built (the server obtains the certificate after the release); these DNS-01 parts are not. */
    private static void acmeDns(List<Problem> problems, String at, Manifest.AcmeDns dns) {
        if (dns == null) return;
        if (List.of("cloudflare", "route53", "gcloud").contains(dns.provider())) {
            warn(problems, at + ".provider", "dns provider " + dns.provider() + " is not built: use exec");
        }
    }

    static final String UNROUTED = "latency and error rate are measured by the L7 proxy, and no http_proxy or http_routes "
            + "of this app sends traffic to this service";

    /** Does a route of the app (its own, or another's backend_services or mirror) send traffic to the service? */
    static boolean routed(Manifest m, String service) {
        for (Manifest.Service s : m.services()) {
            for (Manifest.HttpRoute r : s.httpRoutes()) {
                if (s.name().equals(service) && r.backendServices().isEmpty()) return true;
                if (r.backendServices().stream().anyMatch(b -> b.serviceName().equals(service))) return true;
            }
        }
        return false;
    }

    public static void check(Manifest m, List<Problem> problems) {
        for (Manifest.Service s : m.services()) {
            String at = "service." + s.name();
            if (s.tls() != null && s.tls().acme() != null) acmeDns(problems, at + ".tls.acme.dns", s.tls().acme().dns());
            gpu(problems, at, s.gpu(), s.gpuMesh());
            if (s.alerts() != null && !routed(m, s.name())) {
                // measured from yoq-proxy's counters: a service no route sends traffic to never gets a value
                if (s.alerts().latencyP99Ms() != null) unmeasured(problems, at + ".alerts.latency_p99_ms");
                if (s.alerts().errorRatePercent() != null) unmeasured(problems, at + ".alerts.error_rate_percent");
            }
        }
        for (Manifest.Worker w : m.workers()) {
            gpu(problems, "worker." + w.name(), w.gpu(), w.gpuMesh());
        }
        for (Manifest.TrainingJob t : m.trainingJobs()) warn(problems, "training." + t.name(), "training jobs are not run yet");
        if (m.backup() != null) warn(problems, "backup", "no backups are taken yet");
    }

    private static void gpu(List<Problem> problems, String at, Manifest.Gpu gpu, Manifest.GpuMesh mesh) {
        if (gpu != null) warn(problems, at + ".gpu", "GPUs are not assigned to containers yet");
        if (mesh != null) warn(problems, at + ".gpu_mesh", "GPU meshes are not set up yet");
    }

    private static void unmeasured(List<Problem> problems, String path) {
        problems.add(new Problem(Problem.Severity.WARNING, "NotMeasured", path, 0, UNROUTED));
    }

    private static void warn(List<Problem> problems, String path, String what) {
        problems.add(new Problem(Problem.Severity.WARNING, KIND, path, 0, "accepted but not built yet: " + what));
    }
}
