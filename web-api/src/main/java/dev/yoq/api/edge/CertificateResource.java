package dev.yoq.api.edge;

import dev.yoq.api.BoundedJsonReader;
import dev.yoq.api.ErrorBody;
import dev.yoq.api.limits.BodyTooLargeException;
import dev.yoq.edge.AcmeConfig;
import dev.yoq.edge.AcmeRenewals;
import dev.yoq.edge.AcmeRequest;
import dev.yoq.edge.AcmeService;
import dev.yoq.edge.CertificatePem;
import dev.yoq.edge.CertificateService;
import dev.yoq.edge.CertificateStoreException;
import dev.yoq.model.CertificateRecord;
import jakarta.ejb.EJB;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /v1/certificates}: the TLS certificate store, and ACME issuance ({@link AcmeService}, synchronous: the
 * answer comes when the certificate is stored or the order failed, within its bounded timeout). Thin: parse, call,
 * shape. No answer ever carries key material: the list is built from {@link CertificateService#list()}, which does
 * not read keys.
 */
@Path("v1/certificates")
@Produces(MediaType.APPLICATION_JSON)
public class CertificateResource {

    @jakarta.ws.rs.core.Context
    jakarta.servlet.http.HttpServletRequest servletRequest;
    /** A chain (64 KiB) and a key (16 KiB) with JSON escaping to spare; far below the 1 MiB of other JSON routes. */
    static final int MAX_BODY = 128 * 1024;

    @EJB
    CertificateService certificates;
    @EJB
    AcmeService acme;

    @GET
    @Operation(summary = "Certificates by domain, without keys: [{domain,not_after,source,created_at,managed,challenge,directory_url,"
            + "provider,propagation_timeout_secs,poll_interval_secs,renewal_error,renewal_retry_at}] (times in unix seconds)")
    public JsonArray list() {
        Map<String, AcmeConfig> configs = certificates.acmeConfigs();
        Map<String, AcmeRenewals.Failure> failures = acme.renewalFailures();
        JsonArrayBuilder all = Json.createArrayBuilder();
        for (CertificateService.Summary c : certificates.list()) {
            JsonObjectBuilder o = Json.createObjectBuilder().add("domain", c.domain()).add("not_after", c.notAfter()).add("source", c.source())
                    .add("created_at", c.createdAt() / 1000).add("managed", CertificateRecord.ACME.equals(c.source()));
            acmeFields(o, configs.get(c.domain()));
            AcmeRenewals.Failure f = failures.get(c.domain());
            if (f == null) o.addNull("renewal_error").addNull("renewal_retry_at");
            else o.add("renewal_error", f.message()).add("renewal_retry_at", f.retryAtMs() / 1000);
            all.add(o);
        }
        return all.build();
    }

    /** The stored ACME settings (null without; the DNS ones null unless dns-01). */
    private static void acmeFields(JsonObjectBuilder o, AcmeConfig a) {
        if (a == null) {
            o.addNull("challenge").addNull("directory_url").addNull("provider").addNull("propagation_timeout_secs").addNull("poll_interval_secs");
            return;
        }
        o.add("challenge", a.challenge()).add("directory_url", a.directoryUrl());
        if (a.dns()) o.add("provider", a.provider()).add("propagation_timeout_secs", a.propagationTimeoutSecs()).add("poll_interval_secs", a.pollIntervalSecs());
        else o.addNull("provider").addNull("propagation_timeout_secs").addNull("poll_interval_secs");
    }

    @POST
    @Path("{domain}/provision")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Obtain the domain's certificate from an ACME CA now (HTTP-01 through the proxy, or DNS-01 with the exec provider): "
            + "body {email,staging,directory_url,challenge,dns_provider,dns_hook,dns_propagation_timeout_secs,dns_poll_interval_secs,dns_secrets}, all "
            + "optional -> {status:issued,domain,not_after}; 400 bad request, 409 an order already running, 502 the CA unreachable or refusing")
    public JsonObject provision(@PathParam("domain") String domain, InputStream body) throws IOException {
        AcmeRequest request = hookAllowed(AcmeBody.parse(read(body)));
        return issued(acme.provision(domain, request, dev.yoq.api.Callers.actor(servletRequest)));
    }

    @POST
    @Path("{domain}/renew")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Renew the domain's certificate now with its stored ACME settings, the body's fields (as for provision) replacing "
            + "them -> {status:issued,domain,not_after}; 404 no certificate")
    public JsonObject renew(@PathParam("domain") String domain, InputStream body) throws IOException {
        AcmeRequest request = hookAllowed(AcmeBody.parse(read(body)));
        return issued(acme.renew(domain, request, dev.yoq.api.Callers.actor(servletRequest)));
    }

    /** A DNS hook is a command the server runs, given secrets from the store: setting one takes {@code *}. */
    private AcmeRequest hookAllowed(AcmeRequest request) {
        if ((request.dnsHook() != null || request.dnsSecrets() != null) && servletRequest != null
                && !dev.yoq.api.Callers.grants(servletRequest, "*")) {
            throw new jakarta.ws.rs.ForbiddenException(dev.yoq.api.ErrorBody.response(403,
                    "missing scope: * (a dns_hook is a command the server runs, and dns_secrets hand it secrets)", null));
        }
        return request;
    }

    private static JsonObject issued(AcmeService.Result r) {
        return Json.createObjectBuilder().add("status", "issued").add("domain", r.domain()).add("not_after", r.notAfter()).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Install a certificate: {domain,cert,key} (PEM chain leaf first, PEM private key) -> {status,domain,not_after}")
    public JsonObject install(InputStream body) throws IOException {
        JsonObject o = read(body);
        CertificatePem.Checked c = certificates.install(text(o, "domain"), text(o, "cert"), text(o, "key"), dev.yoq.api.Callers.actor(servletRequest));
        return Json.createObjectBuilder().add("status", "ok").add("domain", c.domain()).add("not_after", c.notAfter()).build();
    }

    @DELETE
    @Path("{domain}")
    @Operation(summary = "Remove the domain's certificate; 404 when it has none")
    public JsonObject remove(@PathParam("domain") String domain) {
        String d = CertificateService.domainOrInvalid(domain);
        if (!certificates.remove(d, dev.yoq.api.Callers.actor(servletRequest))) throw new CertificateStoreException(CertificateStoreException.Kind.NOT_FOUND, "certificate not found: " + d);
        return Json.createObjectBuilder().add("status", "removed").build();
    }

    @jakarta.inject.Inject
    dev.yoq.security.mtls.ServiceCerts serviceCerts;

    @GET
    @Path("service/{name}")
    @Operation(summary = "A service's mTLS leaf certificate, never its key: {service, spiffe_id, cert_pem, not_before, not_after} (unix seconds)")
    public jakarta.ws.rs.core.Response serviceLeaf(@PathParam("name") String name) {
        var leaf = serviceCerts.leafView(name);
        if (leaf == null) return dev.yoq.api.ErrorBody.response(404, "no certificate for service " + name, null);
        return jakarta.ws.rs.core.Response.ok(Json.createObjectBuilder().add("service", leaf.service()).add("spiffe_id", leaf.spiffeId())
                .add("cert_pem", leaf.certPem()).add("not_before", leaf.notBefore() / 1000).add("not_after", leaf.notAfter() / 1000).build()).build();
    }

    /** The body through the bounded reader, at most {@link #MAX_BODY} bytes; an empty one is {@code {}}. */
    private static JsonObject read(InputStream body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) throw new BodyTooLargeException(MAX_BODY);
        try {
            return BoundedJsonReader.parse(new ByteArrayInputStream(bytes));
        } catch (BoundedJsonReader.InvalidBody e) {
            throw new WebApplicationException(ErrorBody.response(400, e.getMessage(), "invalid_json"));
        }
    }

    private static String text(JsonObject body, String key) {
        JsonValue v = body.get(key);
        if (v instanceof JsonString s && !s.getString().isBlank()) return s.getString();
        if (v == null || v == JsonValue.NULL || v instanceof JsonString) {
            throw new CertificateStoreException(CertificateStoreException.Kind.INVALID, "missing " + key);
        }
        throw new CertificateStoreException(CertificateStoreException.Kind.INVALID, key + " must be a string");
    }
}
