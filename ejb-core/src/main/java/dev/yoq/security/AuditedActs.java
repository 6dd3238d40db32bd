package dev.yoq.security;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which API requests are audited, under which action and target (pure). Every act that changes something or
 * reveals something is: apps (apply, rollback, rollout control, down, worker runs), containers (run, exec, stop,
 * restart, remove), images and registry logins, secrets, tokens, policies, certificates, services, agents and the
 * cluster. Reads are not, but for the secret list (spec §2.2) and a secret's value. The agents' own routes and the
 * node routes an agent's server is fed through every 2 s are not acts of a user and are not audited.
 *
 * <p>Where a service already records the act with its details when it succeeds ({@code byService}: a state
 * transition writes {@code app_apply}, {@code policy_add}, {@code secret_set}, ...), the API records only a
 * refusal or a failure, so each act is in the trail once.
 */
public final class AuditedActs {
    private AuditedActs() {}

    /** {@code target}: from the path, or null. */
    public record Act(String action, String target, boolean byService) {}

    private record Rule(String method, Pattern path, String action, int targetGroup, boolean byService) {}

    private static final String ID = "([^/]+)";
    private static final List<Rule> RULES = List.of(
            rule("POST", "apps/apply", "app_apply", 0, true),
            rule("POST", "deploy", "app_apply", 0, true),
            rule("POST", "apps/" + ID + "/rollback", "app_rollback", 1, true),
            rule("POST", "apps/" + ID + "/rollout/" + ID, "rollout_", 1, false),
            rule("POST", "apps/" + ID + "/down", "app_down", 1, false),
            rule("POST", "apps/" + ID + "/workers/" + ID + "/run", "worker_run", 1, false),
            rule("POST", "containers", "container_run", 0, false),
            rule("POST", "containers/" + ID + "/exec", "container_exec", 1, false),
            rule("POST", "containers/" + ID + "/stop", "container_stop", 1, false),
            rule("POST", "containers/" + ID + "/restart", "container_restart", 1, false),
            rule("DELETE", "containers/" + ID, "container_remove", 1, false),
            rule("POST", "images/pull", "image_pull", 0, false),
            rule("POST", "images/push", "image_push", 0, false),
            rule("POST", "images/tags", "image_tag", 0, false),
            rule("POST", "images/prune", "image_prune", 0, false),
            rule("DELETE", "images/(.+)", "image_remove", 1, false),
            rule("POST", "images/login", "registry_login", 0, false),
            rule("POST", "registries/login", "registry_login", 0, false),
            rule("GET", "v1/secrets", "secret_list", 0, false),
            rule("POST", "v1/secrets", "secret_set", 0, true),
            rule("POST", "v1/secrets/_rotate-key", "secret_key_rotate", 0, true),
            rule("POST", "v1/secrets/" + ID + "/rotate", "secret_rotate", 1, true),
            rule("POST", "v1/secrets/" + ID + "/value", "secret_get", 1, false),
            rule("DELETE", "v1/secrets/" + ID, "secret_delete", 1, true),
            rule("POST", "v1/tokens", "token_create", 0, true),
            rule("DELETE", "v1/tokens/" + ID, "token_revoke", 1, true),
            rule("POST", "v1/policies", "policy_add", 0, true),
            rule("DELETE", "v1/policies/" + ID + "/" + ID, "policy_delete", 1, true),
            rule("POST", "v1/certificates", "certificate_install", 0, true),
            rule("POST", "v1/certificates/" + ID + "/provision", "certificate_provision", 1, true),
            rule("POST", "v1/certificates/" + ID + "/renew", "certificate_renew", 1, true),
            rule("DELETE", "v1/certificates/" + ID, "certificate_remove", 1, true),
            rule("POST", "v1/services/" + ID + "/reconcile", "service_reconcile", 1, false),
            rule("POST", "v1/services/" + ID + "/endpoints/" + ID + "/drain", "endpoint_drain", 1, false),
            rule("DELETE", "v1/services/" + ID + "/endpoints/" + ID, "endpoint_remove", 1, false),
            rule("POST", "agents/" + ID + "/drain", "agent_drain", 1, true),
            rule("PUT", "agents/" + ID + "/labels", "agent_labels", 1, false),
            rule("POST", "cluster/propose", "cluster_propose", 0, false),
            rule("POST", "cluster/step-down", "cluster_step_down", 0, false));

    private static Rule rule(String method, String path, String action, int targetGroup, boolean byService) {
        return new Rule(method, Pattern.compile(path), action, targetGroup, byService);
    }

    /** The act a request is ({@code path} without its leading slash), or null when it is not audited. */
    public static Act of(String method, String path) {
        String m = method.equals("HEAD") ? "GET" : method;
        for (Rule r : RULES) {
            if (!r.method().equals(m)) continue;
            Matcher matcher = r.path().matcher(path);
            if (!matcher.matches()) continue;
            String target = r.targetGroup() == 0 ? null : matcher.group(r.targetGroup());
            String action = !r.action().endsWith("_") ? r.action()
                    : matcher.group(2).matches("[a-z]{1,16}") ? r.action() + matcher.group(2) : r.action() + "control";
            if (r.path().pattern().startsWith("v1/policies/")) target = matcher.group(1) + " -> " + matcher.group(2);
            return new Act(action, bounded(target), r.byService());
        }
        return null;
    }

    /** An outcome from the status: ok, denied (401, 403), or failed with the status. */
    public static String outcome(int status) {
        if (status < 400) return "ok";
        if (status == 401 || status == 403) return "denied";
        return "failed: " + status;
    }

    private static String bounded(String target) {
        if (target == null) return null;
        String t = target.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 256 ? t.substring(0, 256) : t;
    }
}
