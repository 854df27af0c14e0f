package dev.jfs.transfer.registry;

import dev.jfs.UserError;
import dev.jfs.image.Descriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A platform as an image index names its entries: {@code OS/ARCH[/VARIANT]} ({@code --platform}).
 *
 * @param variant the CPU variant ({@code v7}, {@code v8}), or null for any
 */
public record Platform(String os, String architecture, String variant) {
    public static final Platform DEFAULT = new Platform("linux", "amd64", null);

    public static Platform parse(String s) {
        String[] p = s.split("/", -1);
        if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty() || (p.length == 3 && p[2].isEmpty())) {
            throw new UserError("--platform '" + s + "': expected OS/ARCH[/VARIANT], e.g. linux/arm64");
        }
        return new Platform(p[0], p[1], p.length == 3 ? p[2] : null);
    }

    /**
     * The entry of an index for this platform: os and architecture equal, and the variant too if
     * one is asked for (without one, an entry with no variant is preferred). Null if none.
     */
    public Descriptor choose(List<Descriptor> manifests) {
        Descriptor any = null;
        for (Descriptor d : manifests) {
            if (!matches(d.platform)) continue;
            if (variant != null || field(d.platform, "variant").isEmpty()) return d;
            if (any == null) any = d;
        }
        return any;
    }

    private boolean matches(Map<String, Object> p) {
        return p != null && os.equals(field(p, "os")) && architecture.equals(field(p, "architecture"))
                && (variant == null || variant.equals(field(p, "variant")));
    }

    /** What an index offers, for the error when nothing matches: "linux/amd64, linux/arm64/v8". */
    public static String offered(List<Descriptor> manifests) {
        List<String> out = new ArrayList<>();
        for (Descriptor d : manifests) {
            if (d.platform == null) continue;
            String v = field(d.platform, "variant");
            out.add(field(d.platform, "os") + "/" + field(d.platform, "architecture") + (v.isEmpty() ? "" : "/" + v));
        }
        return out.isEmpty() ? "no platforms named" : String.join(", ", out);
    }

    private static String field(Map<String, Object> p, String key) {
        Object v = p == null ? null : p.get(key);
        return v == null ? "" : v.toString();
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
