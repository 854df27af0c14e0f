package dev.jfs.transfer.registry;

import dev.jfs.UserError;
import dev.jfs.image.ImageRef;

/**
 * An image in a registry: {@code HOST[:PORT]/REPO[:TAG|@sha256:HEX]} (SPEC 9), an {@link ImageRef}
 * whose first path component is always the registry: jfs has no default registry. Neither tag
 * nor digest means {@code :latest}; with both ({@code REPO:TAG@DIGEST}) the digest decides what
 * is fetched.
 *
 * @param host       {@code HOST} or {@code HOST:PORT} as typed (the key of auth.json too)
 * @param repository the repository path
 * @param tag        the tag, or null when only a digest names the image
 * @param digest     {@code sha256:<hex>}, or null
 */
public record ImageReference(String host, String repository, String tag, String digest) {
    /** Parses {@code ref}; anything else than the form above is a one-line UserError naming it. */
    public static ImageReference parse(String ref) {
        ImageRef r = ImageRef.tryParse(ref);
        if (r == null) {
            throw new UserError("'" + ref + "': not an image reference: HOST[:PORT]/REPO[:TAG|@sha256:DIGEST]"
                    + " (REPO in lower case: letters, digits, '.', '_', '-', '/')");
        }
        int slash = r.name().indexOf('/');
        if (slash < 0) throw new UserError("'" + ref + "': not an image reference: it needs a registry, HOST[:PORT]/REPO");
        return new ImageReference(r.name().substring(0, slash), r.name().substring(slash + 1), r.tag(), r.digest());
    }

    /** What to ask the registry for: the digest if there is one, else the tag. */
    public String manifestReference() {
        return digest != null ? digest : tag;
    }

    /** The local image name this reference is stored under: {@code HOST/REPO}. */
    public String name() {
        return host + "/" + repository;
    }

    /** The local tag for it ({@code HOST/REPO:TAG}), or null when only a digest names it. */
    public ImageRef localTag() {
        return tag == null ? null : new ImageRef(name(), tag, null);
    }

    @Override
    public String toString() {
        return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
