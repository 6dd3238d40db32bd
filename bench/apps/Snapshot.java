import dev.yoq.manifest.AppSnapshot;
import dev.yoq.manifest.ManifestLoader;
import java.nio.file.Path;

/** Prints a manifest's snapshot JSON, what `yoq up` sends to POST /apps/apply. */
public class Snapshot {
    public static void main(String[] args) {
        System.out.println(AppSnapshot.json(ManifestLoader.load(Path.of(args[0]), "benchapp", System::getenv).manifest()));
    }
}
