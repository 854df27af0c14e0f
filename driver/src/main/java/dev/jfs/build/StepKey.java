package dev.jfs.build;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A step's cache key: the parent image's id, the instruction as it runs (variables expanded,
 * RUN with the build arguments it sees) and, for COPY and ADD, the digest of what is copied.
 * Never a time: a rebuild of the same inputs finds the same key.
 */
final class StepKey {
    private StepKey() {}

    static String of(String parentImageId, String instruction, String... extra) {
        MessageDigest md = CopyStep.sha256();
        md.update(("jfs-build-v1\n" + parentImageId + "\n" + instruction + "\n").getBytes(StandardCharsets.UTF_8));
        for (String e : extra) md.update((e + "\n").getBytes(StandardCharsets.UTF_8));
        return CopyStep.hex(md.digest());
    }
}
