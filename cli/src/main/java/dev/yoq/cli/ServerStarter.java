package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** Starting the local server and waiting until it says it is ready: shared by {@code server start} and {@code init-server}. */
final class ServerStarter {
    static final int READY_TIMEOUT_SECONDS = 120;

    private ServerStarter() {
    }

    /** Readiness as the server reports it: UP, or DOWN with the reason its checks give. */
    record Readiness(boolean up, boolean answering, String reason) {
    }

    static Readiness readiness(ServerAddress api) {
        ApiClient client = new ApiClient(api, new GlobalOptions.Credential(null, "none"));
        try {
            ApiClient.Reply reply = client.probe("/health/ready");
            if (reply.status() == 200) {
                return new Readiness(true, true, null);
            }
            return new Readiness(false, true, reasonFrom(reply));
        } catch (CliException unreachable) {
            return new Readiness(false, false, unreachable.getMessage());
        }
    }

    private static String reasonFrom(ApiClient.Reply reply) {
        try {
            for (JsonNode check : reply.json().path("checks")) {
                String reason = check.path("data").path("reason").asText("");
                if (!reason.isEmpty() && !reason.equals("starting")) {
                    return reason;
                }
            }
        } catch (CliException notJson) {
            // the application is not deployed yet: Liberty answers with its own page
        }
        return "starting";
    }

    /** Starts the helper and the server unless they run, then waits for readiness on {@code api}; true if it already ran. */
    static boolean startAndAwaitReady(YoqCommand yoq, LocalServer local, ServerAddress api) throws InterruptedException {
        yoq.err.println(local.ensureNodeHelper());
        if (readiness(api).up()) {
            return true;
        }
        if (!local.running()) {
            yoq.err.println("starting yoq server (data dir " + local.layout().root() + ")...");
            LocalServer.Result result = local.start();
            if (local.apiWarning() != null) yoq.err.println(local.apiWarning());
            if (result.exitCode() != 0 && !local.running()) {
                throw new CliException("the server did not start (Liberty exit code " + result.exitCode() + "): "
                        + result.output() + "\nsee: yoq server logs");
            }
        }
        long deadline = System.nanoTime() + READY_TIMEOUT_SECONDS * 1_000_000_000L;
        Readiness r = readiness(api);
        while (!r.up() && System.nanoTime() < deadline) {
            if (r.answering() && !r.reason().equals("starting")) {
                throw new CliException("the server started but is not ready: " + r.reason() + "\nsee: yoq server logs");
            }
            Thread.sleep(200);
            r = readiness(api);
        }
        if (!r.up()) {
            throw new CliException("the server was not ready after " + READY_TIMEOUT_SECONDS + " s (" + r.reason()
                    + "); see: yoq server logs");
        }
        return false;
    }
}
