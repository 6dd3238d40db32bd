package dev.yoq.cli;

import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.yoq.manifest.AppSnapshot;
import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.ManifestException;
import dev.yoq.manifest.ManifestLoader;
import dev.yoq.manifest.Problem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code yoq validate [-f PATH] [-q]}: load and check a manifest without a server. */
@Command(name = "validate", description = "Check a manifest: syntax, every field, references (no server needed).")
public class ValidateCommand implements Callable<Integer> {

    @ParentCommand
    YoqCommand yoq;

    @Mixin
    ManifestOptions manifest;

    @Option(names = {"-q", "--quiet"}, description = "print nothing but errors")
    boolean quiet;

    @Override
    public Integer call() {
        String file = manifest.display();
        try {
            ManifestLoader.Result result = manifest.loadChecked(yoq.options);
            report(file, result.manifest(), result.warnings(), List.of());
            return 0;
        } catch (ManifestException e) {
            report(file, null, e.problems().stream().filter(p -> !p.isError()).toList(), e.errors());
            return 1;
        }
    }

    private void report(String file, Manifest m, List<Problem> warnings, List<Problem> errors) {
        if (yoq.options.json()) {
            yoq.out.println(json(file, m, warnings, errors));
            return;
        }
        if (!quiet) {
            warnings.forEach(w -> yoq.err.println(ManifestOptions.line(w, file)));
        }
        errors.forEach(e -> yoq.err.println(ManifestOptions.line(e, file)));
        if (m != null && !quiet) {
            yoq.out.printf("%s is valid (%d services, %d workers, %d crons, %d training jobs, %d volumes)%n", file,
                    m.services().size(), m.workers().size(), m.crons().size(), m.trainingJobs().size(), m.volumes().size());
        }
    }

    private static String json(String file, Manifest m, List<Problem> warnings, List<Problem> errors) {
        ObjectNode o = ApiClient.JSON.createObjectNode().put("file", file).put("valid", m != null);
        if (m != null) {
            String snapshot = AppSnapshot.json(m);
            o.put("app_name", m.appName()).put("manifest_hash", AppSnapshot.hash(snapshot));
            o.putObject("counts").put("services", m.services().size()).put("workers", m.workers().size())
                    .put("crons", m.crons().size()).put("training_jobs", m.trainingJobs().size())
                    .put("volumes", m.volumes().size());
        }
        problems(o.putArray("errors"), errors);
        problems(o.putArray("warnings"), warnings);
        return o.toString();
    }

    private static void problems(ArrayNode a, List<Problem> problems) {
        problems.forEach(p -> {
            ObjectNode n = a.addObject().put("kind", p.kind()).put("path", p.path()).put("message", p.message());
            if (p.line() > 0) {
                n.put("line", p.line());
            }
        });
    }
}
