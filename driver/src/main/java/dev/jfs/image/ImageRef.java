package dev.jfs.image;

import dev.jfs.UserError;
import java.util.regex.Pattern;

/**
 * An image reference as a user types it: {@code NAME[:TAG]} (tag {@code latest} when left out)
 * or {@code NAME@sha256:...}. NAME is kept as written ({@code busybox}, {@code localhost:5000/a/b}):
 * jfs adds no {@code docker.io/library/} prefix.
 *
 * @param name   the repository name
 * @param tag    the tag, or null when a digest is given
 * @param digest the manifest digest, or null
 */
public record ImageRef(String name, String tag, String digest) {
    public static final String DEFAULT_TAG = "latest";
    private static final Pattern NAME = Pattern.compile(
            "([A-Za-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    /** Parses {@code NAME[:TAG]} or {@code NAME@sha256:...}; anything else is a {@link UserError}. */
    public static ImageRef parse(String ref) {
        ImageRef r = tryParse(ref);
        if (r == null) {
            throw new UserError("image name '" + ref + "': use NAME[:TAG] or NAME@sha256:DIGEST (NAME in lower case:"
                    + " letters, digits, '.', '_', '-', '/'; TAG up to 128 of letters, digits, '_', '.', '-')");
        }
        return r;
    }

    /** {@code ref} parsed, or null if it is not a valid reference. */
    public static ImageRef tryParse(String ref) {
        if (ref == null || ref.isEmpty() || ref.length() > 255) return null;
        String name = ref;
        String tag = null;
        String digest = null;
        int at = ref.indexOf('@');
        if (at >= 0) {
            digest = ref.substring(at + 1);
            name = ref.substring(0, at);
            if (!Digests.isDigest(digest)) return null;
        }
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            tag = name.substring(colon + 1);
            name = name.substring(0, colon);
            if (!TAG.matcher(tag).matches()) return null;
        }
        if (!NAME.matcher(name).matches()) return null;
        if (tag == null && digest == null) tag = DEFAULT_TAG;
        return new ImageRef(name, tag, digest);
    }

    /** {@code NAME:TAG} (the key of a tag), or {@code NAME@DIGEST}. */
    @Override
    public String toString() {
        return tag != null ? name + ":" + tag : name + "@" + digest;
    }
}
