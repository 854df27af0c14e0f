package dev.jfs.store;

import dev.jfs.UserError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Digests, ChainIDs and the id spellings a user may type. */
final class Ids {
    static final String SHA256 = "sha256:";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern HEX_PREFIX = Pattern.compile("[0-9a-f]{1,64}");

    private Ids() {}

    /** The OCI ChainID of a layer: its diffID on no parent, else sha256(parentChain + " " + diffID). */
    static String chainId(String parentChainId, String diffId) {
        return dev.jfs.image.Digests.chainId(parentChainId, diffId);
    }

    static String sha256Hex(String s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isHex64(String s) {
        return HEX64.matcher(s).matches();
    }

    /** The hex part of {@code sha256:<hex>}. */
    static String hex(String id) {
        return id.startsWith(SHA256) ? id.substring(SHA256.length()) : id;
    }

    /** A full digest {@code sha256:<64 hex>}, accepting the bare hex too. */
    static String digest(String s, String what) {
        String h = hex(s.trim().toLowerCase(java.util.Locale.ROOT));
        if (!isHex64(h)) throw new UserError(what + " '" + s + "': not a sha256 digest");
        return SHA256 + h;
    }

    /** The hex prefix a user typed ({@code sha256:ab12}, {@code ab12}); refuses anything else. */
    static String prefix(String ref) {
        String h = hex(ref.trim().toLowerCase(java.util.Locale.ROOT));
        if (!HEX_PREFIX.matcher(h).matches()) {
            throw new UserError("layer '" + ref + "': not a layer id (hex digits, optionally after sha256:)");
        }
        return h;
    }
}
