package dev.jfs.image;

import dev.jfs.UserError;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** Content digests as OCI writes them: {@code sha256:<64 lowercase hex>}. */
public final class Digests {
    public static final String SHA256 = "sha256:";
    private static final Pattern SHA256_DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private Digests() {}

    /** {@code sha256:<hex>} of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return SHA256 + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    public static boolean isDigest(String s) {
        return s != null && SHA256_DIGEST.matcher(s).matches();
    }

    /** {@code s} if it is a sha256 digest, else a {@link UserError} naming {@code what}. */
    public static String check(String s, String what) {
        if (!isDigest(s)) throw new UserError(what + ": '" + s + "' is not a sha256 digest");
        return s;
    }

    /** The OCI ChainID of a layer: its diffID on no parent, else sha256 of "PARENT_CHAIN DIFFID". */
    public static String chainId(String parentChainId, String diffId) {
        if (parentChainId == null) return diffId;
        return sha256((parentChainId + " " + diffId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The hex part of {@code sha256:<hex>}. */
    public static String hex(String digest) {
        return digest.startsWith(SHA256) ? digest.substring(SHA256.length()) : digest;
    }

    /** The first 12 hex digits, as docker shows ids. */
    public static String shortId(String digest) {
        String h = hex(digest);
        return h.length() > 12 ? h.substring(0, 12) : h;
    }

    /** A user's spelling of a digest or id prefix, lowercased, without {@code sha256:}. */
    public static String prefixOf(String s) {
        return hex(s.trim().toLowerCase(Locale.ROOT));
    }
}
