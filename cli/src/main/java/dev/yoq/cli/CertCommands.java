package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.edge.CertificatePem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code yoq cert install|list|rm} over {@code /v1/certificates}; {@code renew} and {@code provision} wait for ACME. */
@Command(name = "cert", description = "TLS certificates for the edge proxy.",
        subcommands = {CertCommands.Install.class, CertCommands.List.class, CertCommands.Rm.class, CertCommands.Renew.class,
                CertCommands.Provision.class})
final class CertCommands {
    static final String NO_ACME = "ACME is not built yet: install a certificate with `yoq cert install`";

    @ParentCommand
    YoqCommand yoq;

    @Command(name = "install", description = "Install DOMAIN's certificate chain and private key (PEM files), replacing its current one.")
    static final class Install implements Callable<Integer> {
        @ParentCommand
        CertCommands cert;

        @Parameters(index = "0", paramLabel = "DOMAIN", description = "the domain, or *.domain for a wildcard certificate")
        String domain;

        @Option(names = "--cert", required = true, paramLabel = "PATH", description = "the certificate chain, PEM, leaf first")
        Path certFile;

        @Option(names = "--key", required = true, paramLabel = "PATH",
                description = "its private key, PEM (PKCS#8, or OpenSSL's RSA or EC form), not encrypted")
        Path keyFile;

        @Override
        public Integer call() {
            Map<String, String> body = Map.of("domain", domain, "cert", read(certFile, CertificatePem.MAX_CERT_BYTES, "64 KiB"),
                    "key", read(keyFile, CertificatePem.MAX_KEY_BYTES, "16 KiB"));
            JsonNode reply = cert.yoq.options.client().post("/v1/certificates", body).json();
            if (cert.yoq.options.json()) {
                cert.yoq.out.println(reply);
            } else {
                cert.yoq.out.println("certificate installed: " + reply.path("domain").asText() + " (expires " + day(reply.path("not_after").asLong()) + ")");
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List the certificates (never their keys).")
    static final class List implements Callable<Integer> {
        @ParentCommand
        CertCommands cert;

        @Override
        public Integer call() {
            YoqCommand yoq = cert.yoq;
            JsonNode all = yoq.options.client().get("/v1/certificates").json();
            if (yoq.options.json()) {
                yoq.out.println(all);
            } else if (all.isEmpty()) {
                yoq.out.println("no certificates");
            } else {
                String format = "%-40s %-8s %s%n";
                yoq.out.printf(format, "DOMAIN", "SOURCE", "EXPIRES");
                for (JsonNode c : all) yoq.out.printf(format, c.path("domain").asText(), c.path("source").asText(), day(c.path("not_after").asLong()));
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove DOMAIN's certificate.")
    static final class Rm implements Callable<Integer> {
        @ParentCommand
        CertCommands cert;

        @Parameters(index = "0", paramLabel = "DOMAIN")
        String domain;

        @Override
        public Integer call() {
            cert.yoq.options.client().delete("/v1/certificates/" + AppCommands.path(domain));
            cert.yoq.out.println("certificate removed: " + domain);
            return 0;
        }
    }

    @Command(name = "renew", description = "Renew an ACME certificate now (not built yet).")
    static final class Renew implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "DOMAIN")
        String domain;

        @Override
        public Integer call() {
            throw new CliException(NO_ACME);
        }
    }

    @Command(name = "provision", description = "Obtain a certificate from an ACME CA (not built yet).")
    static final class Provision implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "DOMAIN")
        String domain;

        @Override
        public Integer call() {
            throw new CliException(NO_ACME);
        }
    }

    /** The file's text, refused past {@code max} bytes without reading the rest (a wrong path may name a huge file). */
    static String read(Path file, int max, String limit) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) throw new CliException(file + ": larger than " + limit + ", is it a PEM file?");
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(file + ": no such file");
        } catch (IOException e) {
            throw new CliException(file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    /** Epoch seconds as the UTC day, YYYY-MM-DD. */
    static String day(long epochSeconds) {
        return LocalDate.ofInstant(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC).toString();
    }
}
