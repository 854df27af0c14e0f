package dev.jfs.image;

/** The media types of OCI image-spec v1 and Docker's image manifest v2 schema 2. */
public final class MediaTypes {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String DOCKER_LAYER_ZSTD = "application/vnd.docker.image.rootfs.diff.tar.zstd";

    private MediaTypes() {}

    /** Whether {@code type} names a single-image manifest (OCI or Docker). */
    public static boolean isManifest(String type) {
        return OCI_MANIFEST.equals(type) || DOCKER_MANIFEST.equals(type);
    }

    /** Whether {@code type} names an index of manifests (OCI index or Docker manifest list). */
    public static boolean isIndex(String type) {
        return OCI_INDEX.equals(type) || DOCKER_MANIFEST_LIST.equals(type);
    }

    /** The OCI layer media type for a compression: {@code none}, {@code gzip} or {@code zstd}. */
    public static String ociLayer(String compression) {
        return switch (compression) {
            case "gzip" -> OCI_LAYER_GZIP;
            case "zstd" -> OCI_LAYER_ZSTD;
            default -> OCI_LAYER;
        };
    }

    /** The Docker schema 2 layer media type for a compression. */
    public static String dockerLayer(String compression) {
        return switch (compression) {
            case "gzip" -> DOCKER_LAYER_GZIP;
            case "zstd" -> DOCKER_LAYER_ZSTD;
            default -> DOCKER_LAYER;
        };
    }

    /** The OCI spelling of a layer media type (Docker's names mapped, others as they are). */
    public static String toOci(String layerType) {
        return switch (layerType) {
            case DOCKER_LAYER -> OCI_LAYER;
            case DOCKER_LAYER_GZIP -> OCI_LAYER_GZIP;
            case DOCKER_LAYER_ZSTD -> OCI_LAYER_ZSTD;
            case DOCKER_CONFIG -> OCI_CONFIG;
            case DOCKER_MANIFEST -> OCI_MANIFEST;
            default -> layerType;
        };
    }
}
