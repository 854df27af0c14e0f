package dev.jfs.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * An OCI image config (also Docker's): platform, run config, the layers' diffIDs bottom first,
 * and the history. An image's id is the sha256 of this document's bytes, so an image read from
 * elsewhere keeps its bytes ({@link OciJson#parse}); one jfs makes is written canonically.
 */
public final class ImageConfig extends JsonObject {
    @JsonProperty("architecture")
    public String architecture;
    @JsonProperty("os")
    public String os;
    @JsonProperty("created")
    public String created;
    @JsonProperty("author")
    public String author;
    @JsonProperty("config")
    public ContainerConfig config;
    @JsonProperty("rootfs")
    public RootFs rootfs = new RootFs();
    @JsonProperty("history")
    public List<History> history;

    /** {@code rootfs}: always {@code layers}, with one diffID per layer, bottom first. */
    public static final class RootFs extends JsonObject {
        @JsonProperty("type")
        public String type = "layers";
        @JsonProperty("diff_ids")
        public List<String> diffIds = new ArrayList<>();
    }

    /** A config for the machine jfs runs on, with no layers yet. */
    public static ImageConfig forThisPlatform() {
        ImageConfig c = new ImageConfig();
        c.architecture = goArch(System.getProperty("os.arch"));
        c.os = "linux";
        c.config = new ContainerConfig();
        c.history = new ArrayList<>();
        return c;
    }

    /** The layers' diffIDs, bottom first (never null). */
    public List<String> diffIds() {
        if (rootfs == null) rootfs = new RootFs();
        if (rootfs.diffIds == null) rootfs.diffIds = new ArrayList<>();
        return rootfs.diffIds;
    }

    /** The run config (never null). */
    public ContainerConfig runConfig() {
        if (config == null) config = new ContainerConfig();
        return config;
    }

    /** The history (never null). */
    public List<History> historyList() {
        if (history == null) history = new ArrayList<>();
        return history;
    }

    /** Java's os.arch in GOARCH spelling, as image configs name architectures. */
    static String goArch(String javaArch) {
        return switch (javaArch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            case "arm" -> "arm";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> javaArch;
        };
    }
}
