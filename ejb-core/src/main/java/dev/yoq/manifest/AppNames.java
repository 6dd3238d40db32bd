package dev.yoq.manifest;

/**
 * The name of an app workload's container: {@code <app>-<workload>}, with every character a container name
 * cannot hold (anything but A-Z a-z 0-9 and -) turned into '-', so an app named after a directory such as
 * {@code my_app} or {@code site.v2} still deploys. Shared by the server and the CLI (pure).
 */
public final class AppNames {
    private AppNames() {}

    public static String container(String app, String workload) {
        return (app + "-" + workload).replaceAll("[^A-Za-z0-9-]", "-");
    }
}
