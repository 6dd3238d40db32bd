package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code yoq secret set|get|list|rm|rotate} (spec §1.7), over {@code /v1/secrets}. */
@Command(name = "secret", description = "Secrets, encrypted at rest, given to workloads as files or environment variables.",
        subcommands = {SecretCommands.Set.class, SecretCommands.Get.class, SecretCommands.List.class, SecretCommands.Rm.class,
                SecretCommands.Rotate.class})
final class SecretCommands {
    /** Spec §6.5: a value read from stdin may be at most 1 MiB. */
    static final int MAX_STDIN = 1 << 20;

    @ParentCommand
    YoqCommand yoq;

    /** The original's reading of stdin: up to 1 MiB, one trailing newline (\n, \r\n) trimmed. */
    static byte[] readValue(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            if (out.size() > MAX_STDIN) throw new CliException("the value on stdin is longer than 1 MiB");
        }
        byte[] v = out.toByteArray();
        int end = v.length;
        while (end > 0 && (v[end - 1] == '\n' || v[end - 1] == '\r')) end--;
        return java.util.Arrays.copyOf(v, end);
    }

    @Command(name = "set", description = "Store a secret: --value V, --file PATH, or the value on stdin (trailing newline trimmed).")
    static class Set implements Callable<Integer> {
        @ParentCommand
        SecretCommands secret;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "VALUE", arity = "0..1", description = "The value (the original's form; prefer stdin: arguments show in ps)")
        String positional;

        @Option(names = "--value", paramLabel = "V")
        String value;

        @Option(names = "--file", paramLabel = "PATH", description = "Read the value from a file, as it is (binary too).")
        Path file;

        @Override
        public Integer call() throws IOException {
            byte[] v;
            if (file != null) {
                if (Files.size(file) > MAX_STDIN) throw new CliException(file + " is larger than 1 MiB");
                v = Files.readAllBytes(file);
            } else if (value != null) {
                v = value.getBytes(StandardCharsets.UTF_8);
            } else if (positional != null) {
                v = positional.getBytes(StandardCharsets.UTF_8);
            } else {
                v = readValue(System.in);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("value_base64", Base64.getEncoder().encodeToString(v));
            secret.yoq.options.client().post("/v1/secrets", body);
            secret.yoq.out.println(name);
            return 0;
        }
    }

    @Command(name = "get", description = "Print a secret's value (only on the server's own machine).")
    static class Get implements Callable<Integer> {
        @ParentCommand
        SecretCommands secret;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws IOException {
            ApiClient client = secret.yoq.options.client();
            ApiClient.Reply r = client.postAnswer("/v1/secrets/" + name + "/value", Map.of());
            if (r.status() == 404) throw new CliException("secret not found: " + name);
            JsonNode o = client.ok(r).json();
            if (o.has("value")) {
                secret.yoq.out.println(o.path("value").asText());
            } else {
                secret.yoq.out.write(Base64.getDecoder().decode(o.path("value_base64").asText()));
                secret.yoq.out.flush();
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List the secrets' names.")
    static class List implements Callable<Integer> {
        @ParentCommand
        SecretCommands secret;

        @Override
        public Integer call() {
            JsonNode names = secret.yoq.options.client().get("/v1/secrets").json();
            if (secret.yoq.options.json()) secret.yoq.out.println(names);
            else if (names.isEmpty()) secret.yoq.out.println("no secrets");
            else names.forEach(n -> secret.yoq.out.println(n.asText()));
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove a secret.")
    static class Rm implements Callable<Integer> {
        @ParentCommand
        SecretCommands secret;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            ApiClient client = secret.yoq.options.client();
            ApiClient.Reply r = client.probeDelete("/v1/secrets/" + name);
            if (r.status() == 404) throw new CliException("secret not found: " + name);
            client.ok(r);
            secret.yoq.out.println(name + ": removed");
            return 0;
        }
    }

    @Command(name = "rotate", description = "Seal a secret again under the current key (fresh nonce); --key: a new key for all of them.")
    static class Rotate implements Callable<Integer> {
        @ParentCommand
        SecretCommands secret;

        @Parameters(index = "0", paramLabel = "NAME", arity = "0..1")
        String name;

        @Option(names = "--key", description = "Add a new primary key to secrets.key and seal every secret again under it.")
        boolean key;

        @Override
        public Integer call() {
            if (key == (name != null)) throw new CliException("give a secret's NAME, or --key to rotate the key itself");
            if (key) {
                JsonNode r = secret.yoq.options.client().post("/v1/secrets/_rotate-key", Map.of()).json();
                secret.yoq.out.println("new key; " + r.path("resealed").asInt() + " secrets sealed again");
            } else {
                secret.yoq.options.client().post("/v1/secrets/" + name + "/rotate", Map.of());
                secret.yoq.out.println(name + ": rotated");
            }
            return 0;
        }
    }
}
