package dev.jfs.transfer;

import dev.jfs.UserError;

/** What {@code jfs save} writes. */
public enum ArchiveFormat {
    /** One tar that is both an OCI image layout and a docker-archive, as Docker 25+ writes. */
    OCI_AND_DOCKER,
    /** An OCI image layout only: {@code oci-layout}, {@code index.json}, {@code blobs/sha256/}. */
    OCI,
    /** A docker-archive only: {@code manifest.json}, {@code repositories}, config and layer files. */
    DOCKER;

    /** {@code oci} or {@code docker}; null is the default, both in one. */
    public static ArchiveFormat parse(String name) {
        if (name == null) return OCI_AND_DOCKER;
        return switch (name) {
            case "oci" -> OCI;
            case "docker" -> DOCKER;
            default -> throw new UserError("--format " + name + ": use oci or docker (default: both in one tar)");
        };
    }

    boolean oci() {
        return this != DOCKER;
    }

    boolean docker() {
        return this != OCI;
    }
}
