package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.edge.AcmeRequest;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code yoq cert install|list|rm|provision|renew} over {@code /v1/certificates}. */
@Command(name = "cert", description = "TLS certificates for the edge proxy.",
        subcommands = {CertCommands.Install.class, CertCommands.List.class, CertCommands.Rm.class, CertCommands.Renew.class,
                CertCommands.Provision.class, CertCommands.Service.class})
final class CertCommands {
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
                for (JsonNode c : all) {
                    yoq.out.printf(format, c.path("domain").asText(), c.path("source").asText(), day(c.path("not_after").asLong()));
                    // a failing renewal is shown under its certificate: the old one serves until it expires
                    if (c.path("renewal_error").isTextual()) {
                        yoq.out.println("  renewal failing (next try " + Instant.ofEpochSecond(c.path("renewal_retry_at").asLong()) + "): "
                                + c.path("renewal_error").asText());
                    }
                }
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

    @Command(name = "service", description = "Show a service's mTLS certificate (its SPIFFE ID, expiry and PEM; never its key).")
    static final class Service implements Callable<Integer> {
        @ParentCommand
        CertCommands cert;

        @Parameters(index = "0", paramLabel = "NAME", description = "the service's registry name, <app>-<service> (as yoq status shows it)")
        String name;

        @Override
        public Integer call() {
            JsonNode leaf = cert.yoq.options.client().get("/v1/certificates/service/" + AppCommands.path(name)).json();
            if (cert.yoq.options.json()) {
                cert.yoq.out.println(leaf);
            } else {
                cert.yoq.out.println("service:   " + leaf.path("service").asText());
                cert.yoq.out.println("identity:  " + leaf.path("spiffe_id").asText());
                cert.yoq.out.println("valid:     " + Instant.ofEpochSecond(leaf.path("not_before").asLong()) + " to "
                        + Instant.ofEpochSecond(leaf.path("not_after").asLong()));
                cert.yoq.out.print(leaf.path("cert_pem").asText());
            }
            return 0;
        }
    }

    @Command(name = "renew", description = "Renew DOMAIN's certificate from its ACME CA now, with its stored settings (the flags replace them).")
    static final class Renew implements Callable<Integer> {
        @ParentCommand
        CertCommands cert;

        @Parameters(index = "0", paramLabel = "DOMAIN")
        String domain;

        @Mixin
        CertAcmeOptions acme;

        @Override
        public Integer call() {
            // no email from the environment: the stored one stays unless --email says otherwise
            return cert.issue("/renew", domain, acme.preflight(null));
        }
    }

    @Command(name = "provision", description = "Obtain DOMAIN's certificate from an ACME CA (HTTP-01 through the proxy's port 80 listener, "
            + "or DNS-01 with --dns-provider exec); the server renews it within 30 days of expiry.")
    static final class Provision implements Callable<Integer> {
        @ParentCommand
        CertCommands cert;

        @Parameters(index = "0", paramLabel = "DOMAIN")
        String domain;

        @Mixin
        CertAcmeOptions acme;

        @Override
        public Integer call() {
            String envEmail = cert.yoq.options.env().get("YOQ_ACME_EMAIL");
            return cert.issue("/provision", domain, acme.preflight(envEmail == null || envEmail.isBlank() ? null : envEmail.strip()));
        }
    }

    /** Sends the checked request and waits for the certificate (the server bounds the order, a few minutes at most). */
    int issue(String action, String domain, AcmeRequest request) {
        JsonNode reply = yoq.options.client().patient().post("/v1/certificates/" + AppCommands.path(domain) + action,
                CertAcmeOptions.body(request)).json();
        if (yoq.options.json()) {
            yoq.out.println(reply);
        } else {
            yoq.out.println("certificate issued: " + reply.path("domain").asText() + " (expires " + day(reply.path("not_after").asLong()) + ")");
        }
        return 0;
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
