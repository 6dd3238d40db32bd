package dev.yoq.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** secrets and env_secrets: names only, checked by validate, kept in the snapshot (so they are part of the config). */
class SecretsInManifestTest {
    @Test
    void secret_names_survive_the_snapshot_round_trip_and_change_the_snapshot() {
        Manifest m = ManifestLoader.parse("app = \"x\"\n[service.web]\nimage = \"nginx\"\nsecrets = [\"db\", \"tls.key\"]\n"
                + "env_secrets = [\"DB_PASSWORD=db\"]\n[cron.c]\nimage = \"x\"\nevery = \"1m\"\nsecrets = [\"db\"]\n", "m.toml", "x", k -> null).manifest();
        assertThat(m.services().get(0).common().secrets()).containsExactly("db", "tls.key");
        assertThat(m.services().get(0).common().envSecrets()).containsExactly("DB_PASSWORD=db");
        Manifest back = SnapshotReader.read(AppSnapshot.json(m));
        assertThat(back.services().get(0).common()).isEqualTo(m.services().get(0).common());
        assertThat(back.crons().get(0).common().secrets()).containsExactly("db");
        Manifest without = ManifestLoader.parse("app = \"x\"\n[service.web]\nimage = \"nginx\"\n", "m.toml", "x", k -> null).manifest();
        assertThat(AppSnapshot.json(without)).doesNotContain("secrets");
        assertThat(AppSnapshot.hash(AppSnapshot.json(without))).isNotEqualTo(AppSnapshot.hash(AppSnapshot.json(m)));
    }

    @Test
    void bad_names_duplicates_and_malformed_variables_are_errors_naming_the_field() {
        ManifestException e = catchThrowableOfType(ManifestException.class, () -> ManifestLoader.parse(
                "app = \"x\"\n[service.web]\nimage = \"nginx\"\nsecrets = [\"../etc/passwd\", \"db\", \"db\"]\n"
                        + "env_secrets = [\"=db\", \"1X=db\", \"A=\", \"A=db\", \"A=other\", \"PATH=db\"]\n", "m.toml", "x", k -> null));
        assertThat(e.problems()).filteredOn(Problem::isError).extracting(p -> p.kind() + " " + p.path() + ": " + p.message())
                .containsExactlyInAnyOrder(
                        "InvalidSecret service.web.secrets: '../etc/passwd' is not a secret name (1-128 of A-Z a-z 0-9 . _ -, starting with a letter or digit)",
                        "InvalidSecret service.web.secrets: 'db' is listed twice",
                        "InvalidSecret service.web.env_secrets: '=db' is not VAR=secret-name",
                        "InvalidSecret service.web.env_secrets: '1X=db' is not VAR=secret-name",
                        "InvalidSecret service.web.env_secrets: 'A=' is not VAR=secret-name",
                        "InvalidSecret service.web.env_secrets: variable A is given twice",
                        "InvalidSecret service.web.env_secrets: PATH cannot come from a secret: set it in env");
    }
}
