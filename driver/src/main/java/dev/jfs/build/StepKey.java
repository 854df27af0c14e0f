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
        field(md, "jfs-build-v1");
        field(md, parentImageId);
        field(md, instruction);
        for (String e : extra) field(md, e);
        return CopyStep.hex(md.digest());
    }

    /** Each field with its length first: no two lists of fields hash alike. */
    private static void field(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
        md.update(b);
    }
}
