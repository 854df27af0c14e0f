package dev.jfs.transfer.registry;

import dev.jfs.UserError;
import java.util.regex.Pattern;

/**
 * An image in a registry: {@code HOST[:PORT]/REPO[:TAG|@sha256:HEX]} (SPEC 9). The host is always
 * spelled out: jfs has no default registry. A reference with neither tag nor digest means
 * {@code :latest}; with both ({@code REPO:TAG@DIGEST}) the digest decides what is fetched.
 *
 * @param host       {@code HOST} or {@code HOST:PORT} as typed (the key of auth.json too)
 * @param repository the repository path, lower case, components separated by {@code /}
 * @param tag        the tag, or null when a digest names the image
 * @param digest     {@code sha256:<hex>}, or null
 */
public record ImageReference(String host, String repository, String tag, String digest) {
    public static final String DEFAULT_TAG = "latest";
    private static final Pattern HOST = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])"
                    + "(?::[0-9]{1,5})?");
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    /** Parses {@code ref}; anything else than the form above is a one-line UserError naming it. */
    public static ImageReference parse(String ref) {
        String rest = ref;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) throw bad(ref, "the digest is not sha256:<64 hex digits>");
        }
        int slash = rest.indexOf('/');
        if (slash <= 0) throw bad(ref, "it needs a registry host: HOST[:PORT]/REPO[:TAG]");
        String host = rest.substring(0, slash);
        String path = rest.substring(slash + 1);
        if (!HOST.matcher(host).matches()) throw bad(ref, "'" + host + "' is not a host name or HOST:PORT");
        String tag = null;
        int colon = path.lastIndexOf(':');
        if (colon >= 0) {
            tag = path.substring(colon + 1);
            path = path.substring(0, colon);
            if (!TAG.matcher(tag).matches()) throw bad(ref, "'" + tag + "' is not a valid tag");
        }
        if (path.isEmpty()) throw bad(ref, "the repository name is missing");
        for (String c : path.split("/", -1)) {
            if (!COMPONENT.matcher(c).matches()) {
                throw bad(ref, "'" + path + "' is not a repository name (lower case letters, digits, . _ - and /)");
            }
        }
        if (tag == null && digest == null) tag = DEFAULT_TAG;
        return new ImageReference(host, path, tag, digest);
    }

    /** True if {@code s} looks like a registry reference (a host part with a dot, a port or localhost). */
    public static boolean looksLikeRegistryReference(String s) {
        int slash = s.indexOf('/');
        if (slash <= 0) return false;
        String first = s.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[");
    }

    private static UserError bad(String ref, String why) {
        return new UserError("'" + ref + "': not an image reference: " + why);
    }

    /** What to ask the registry for: the digest if there is one, else the tag. */
    public String manifestReference() {
        return digest != null ? digest : tag;
    }

    /** The same repository with this digest (and no tag). */
    public ImageReference withDigest(String d) {
        return new ImageReference(host, repository, null, d);
    }

    /** The local image name this reference is stored under: {@code HOST/REPO}. */
    public String name() {
        return host + "/" + repository;
    }

    /** The host without a port, for the loopback check. */
    public String hostName() {
        if (host.startsWith("[")) return host.substring(1, host.indexOf(']'));
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    @Override
    public String toString() {
        return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
