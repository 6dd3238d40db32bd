package dev.yoq.node.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this build (the Maven project version), one source for the server, the helper and the CLI so
 * that `yoq version`, `GET /version` and the helper handshake always agree.
 */
public final class BuildInfo {

    private static final String VERSION = load();

    private BuildInfo() {
    }

    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
