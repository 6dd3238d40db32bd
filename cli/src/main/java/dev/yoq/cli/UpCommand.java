package dev.yoq.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.yoq.manifest.AppSnapshot;
import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.ManifestException;
import dev.yoq.manifest.ManifestLoader;
import dev.yoq.manifest.ManifestRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code yoq up [-f PATH] [--dry-run] [service...]}. Today only the dry run exists: it shows what an apply would
 * change. With no release recorded yet (releases arrive with the apps issue) everything is new.
 */
@Command(name = "up", description = "Deploy the app in manifest.toml (today: --dry-run shows what would change).")
public class UpCommand implements Callable<Integer> {

    @ParentCommand
    YoqCommand yoq;

    @Mixin
    ManifestOptions manifest;

    @Option(names = "--dry-run", description = "show the changes an apply would make, change nothing")
    boolean dryRun;

    @Option(names = "--dev", description = "stay in the foreground with logs and restart on change (not available yet)")
    boolean dev;

    @Parameters(paramLabel = "SERVICE", description = "only these services (and what they depend on)")
    List<String> only = new ArrayList<>();

    @Override
    public Integer call() {
        if (dryRun && dev) {
            throw new CliException("--dry-run and --dev cannot be combined");
        }
        if (!dryRun) {
            throw new CliException("deploying is not available yet (it arrives with releases and rollouts); "
                    + "use 'yoq up --dry-run' to see what would be deployed");
        }
        ManifestLoader.Result result;
        try {
            result = manifest.load(yoq.options.env());
        } catch (ManifestException e) {
            e.problems().forEach(p -> yoq.err.println(ManifestOptions.line(p, manifest.display())));
            return 1;
        }
        result.warnings().forEach(w -> yoq.err.println(ManifestOptions.line(w, manifest.display())));
        Manifest m = result.manifest();
        List<String> lines = changes(m, selected(m));
        yoq.out.println("dry run for app " + m.appName());
        yoq.out.println("current release: none");
        yoq.out.println("proposed manifest: " + AppSnapshot.hash(AppSnapshot.json(m)));
        yoq.out.println("changes: " + lines.size() + " create, 0 update, 0 delete, 0 unchanged");
        lines.forEach(yoq.out::println);
        return 0;
    }

    /** The named services plus their transitive service dependencies; all services when none are named. */
    private Set<String> selected(Manifest m) {
        Set<String> names = new LinkedHashSet<>();
        m.services().forEach(s -> names.add(s.name()));
        if (only.isEmpty()) {
            return names;
        }
        Set<String> wanted = new LinkedHashSet<>();
        List<String> queue = new ArrayList<>(only);
        while (!queue.isEmpty()) {
            String name = queue.remove(0);
            if (!names.contains(name)) {
                throw new CliException("unknown service: " + name + " (services: " + String.join(", ", names) + ")");
            }
            if (wanted.add(name)) {
                m.services().stream().filter(s -> s.name().equals(name)).findFirst()
                        .ifPresent(s -> s.dependsOn().stream().filter(names::contains).forEach(queue::add));
            }
        }
        return wanted;
    }

    private List<String> changes(Manifest m, Set<String> services) {
        List<String> lines = new ArrayList<>();
        ManifestRules.startOrder(m).stream().filter(s -> services.contains(s.name()))
                .forEach(s -> lines.add("+ service " + s.name()));
        if (only.isEmpty()) {
            m.workers().forEach(w -> lines.add("+ worker " + w.name()));
            m.crons().forEach(c -> lines.add("+ cron " + c.name()));
            m.trainingJobs().forEach(t -> lines.add("+ training " + t.name()));
        }
        return lines;
    }
}
