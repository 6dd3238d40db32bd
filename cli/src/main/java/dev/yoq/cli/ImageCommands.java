package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code yoq pull|images|rmi|inspect} (spec §1.2), over the REST API. */
final class ImageCommands {
    private ImageCommands() {}

    @Command(name = "pull", description = "Pull an image from an OCI / Docker v2 registry (linux/amd64 unless --platform).")
    static class Pull implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Parameters(index = "0", paramLabel = "IMAGE")
        String image;

        @Option(names = "--insecure", description = "plain HTTP to this registry (loopback ones always are)")
        boolean insecure;

        @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "the variant of a multi-arch image to pull")
        String platform;

        @Override
        public Integer call() {
            yoq.err.println("pulling " + image + "...");
            Map<String, Object> body = new HashMap<>(Map.of("reference", image, "insecure", insecure));
            if (platform != null) body.put("platform", platform);
            JsonNode i = display(yoq).run(yoq.options::client, "/images/pull", body);
            if (yoq.options.json()) {
                yoq.out.println(i);
            } else {
                yoq.out.println(i.path("reference").asText() + " " + i.path("manifest_digest").asText() + " ("
                        + i.path("layers").asInt() + " layers, " + mb(i.path("size_bytes").asLong()) + ")");
            }
            return 0;
        }
    }

    @Command(name = "push", description = "Push a stored image to a registry (target defaults to the source).")
    static class Push implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Parameters(index = "0", paramLabel = "SOURCE")
        String source;

        @Parameters(index = "1", arity = "0..1", paramLabel = "TARGET")
        String target;

        @Option(names = "--insecure", description = "plain HTTP to the target registry (loopback ones always are)")
        boolean insecure;

        @Override
        public Integer call() {
            Map<String, Object> body = new HashMap<>(Map.of("source", source, "insecure", insecure));
            if (target != null) body.put("target", target);
            JsonNode p = display(yoq).run(yoq.options::client, "/images/push", body);
            if (yoq.options.json()) {
                yoq.out.println(p);
            } else {
                yoq.out.printf("pushed %s %s (%d uploaded, %d mounted, %d already there)%n", target != null ? target : source,
                        p.path("manifest_digest").asText(), p.path("uploaded").asInt(), p.path("mounted").asInt(), p.path("skipped").asInt());
            }
            return 0;
        }
    }

    @Command(name = "images", description = "List images.")
    static class Images implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Override
        public Integer call() {
            JsonNode all = yoq.options.client().get("/images").json();
            if (yoq.options.json()) {
                var rows = ApiClient.JSON.createArrayNode();
                for (JsonNode i : all) {
                    rows.addObject().put("repository", i.path("repository").asText()).put("tag", i.path("tag").asText())
                            .put("id", i.path("id").asText()).put("manifest_digest", i.path("manifest_digest").asText())
                            .put("config_digest", i.path("config_digest").asText()).put("size_bytes", i.path("size_bytes").asLong())
                            .put("created_at", i.path("created_at").asLong());
                }
                yoq.out.println(rows);
                return 0;
            }
            if (all.isEmpty()) {
                yoq.out.println("no images");
                return 0;
            }
            String format = "%-40s %-16s %-14s %s%n";
            yoq.out.printf(format, "REPOSITORY", "TAG", "IMAGE ID", "SIZE");
            for (JsonNode i : all) {
                yoq.out.printf(format, i.path("repository").asText(), i.path("tag").asText(), i.path("id").asText(),
                        mb(i.path("size_bytes").asLong()));
            }
            return 0;
        }
    }

    @Command(name = "rmi", description = "Remove an image (refused while a container uses it).")
    static class Rmi implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Parameters(index = "0", paramLabel = "IMAGE")
        String image;

        @Override
        public Integer call() {
            ApiClient api = yoq.options.client();
            JsonNode i = api.get("/images/" + image).json();
            api.delete("/images/" + i.path("id").asText());
            yoq.out.println("untagged: " + i.path("repository").asText() + ":" + i.path("tag").asText());
            return 0;
        }
    }

    /** Live bars when the user watches a terminal; plain lines when the output goes to a file or a pipe. */
    static TransferDisplay display(YoqCommand yoq) {
        return new TransferDisplay(yoq.err, System.console() != null && !yoq.options.json());
    }

    @Command(name = "inspect", description = "Show an image: digests, platform, created, size, layers, workdir, user, stop signal.")
    static class Inspect implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Parameters(index = "0", paramLabel = "IMAGE")
        String image;

        @Override
        public Integer call() {
            JsonNode i = yoq.options.client().get("/images/" + image).json();
            if (yoq.options.json()) {
                yoq.out.println(i);
                return 0;
            }
            for (String f : new String[] {"reference", "id", "manifest_digest", "config_digest", "platform", "created", "size_bytes",
                    "layers", "workdir", "user", "stop_signal", "entrypoint", "cmd", "env", "exposed_ports", "labels"}) {
                JsonNode v = i.path(f);
                String text = v.isContainerNode() ? v.toString() : v.asText();
                if (!text.isEmpty() && !text.equals("[]") && !text.equals("{}")) yoq.out.printf("%-17s%s%n", f.replace('_', ' ') + ":", text);
            }
            for (JsonNode layer : i.path("layer_digests")) yoq.out.printf("  %s%n", layer.asText());
            return 0;
        }
    }

    @Command(name = "prune", description = "Delete blobs and layers no image or container uses.")
    static class Prune implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Override
        public Integer call() {
            JsonNode p = yoq.options.client().post("/images/prune", null).json();
            if (yoq.options.json()) {
                yoq.out.println(p);
            } else if (p.path("blobs_removed").asLong() == 0 && p.path("layers_removed").asLong() == 0) {
                yoq.out.println("nothing to prune");
            } else {
                yoq.out.printf("pruned %d blob(s), %d layer(s), reclaimed %s%n", p.path("blobs_removed").asLong(),
                        p.path("layers_removed").asLong(), mb(p.path("bytes_reclaimed").asLong()));
            }
            return 0;
        }
    }

    @Command(name = "tags", description = "List a registry repository's tags.")
    static class Tags implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Parameters(index = "0", paramLabel = "REPOSITORY", description = "e.g. 127.0.0.1:5000/team/app or busybox")
        String repository;

        @Option(names = "--insecure", description = "plain HTTP to this registry (loopback ones always are)")
        boolean insecure;

        @Override
        public Integer call() {
            JsonNode r = yoq.options.client().patient().post("/registries/tags", Map.of("repository", repository, "insecure", insecure)).json();
            if (yoq.options.json()) {
                yoq.out.println(r);
            } else {
                for (JsonNode t : r.path("tags")) yoq.out.println(t.asText());
            }
            return 0;
        }
    }

    static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
