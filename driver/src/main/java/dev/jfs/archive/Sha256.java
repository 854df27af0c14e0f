package dev.jfs.archive;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.logging.Logger;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * SHA-256 as layer digests (diffIDs, blob digests) are written: {@code sha256:<hex>}.
 *
 * <p>OpenSSL's libcrypto computes it where it loads, the JDK otherwise. The JDK's SHA-256 is as
 * fast (1.6 GB/s here) only once C2 has compiled its intrinsic: until then, and always under C1
 * alone, it runs at 0.1 GB/s, and a layer of 100 MB took a second. libcrypto is fast from the
 * first byte, so {@code jfs commit} runs on C1 alone (scripts/jfs) and leaves the second core to
 * its walk instead of to C2 compiling.
 */
abstract class Sha256 {
    private static final Logger LOG = Logger.getLogger(Sha256.class.getName());

    /** The libcrypto calls used (OpenSSL 1.1 and 3 alike). */
    public interface LibCrypto {
        Pointer EVP_MD_CTX_new();

        void EVP_MD_CTX_free(Pointer ctx);

        Pointer EVP_sha256();

        int EVP_DigestInit_ex(Pointer ctx, Pointer type, Pointer engine);

        int EVP_DigestUpdate(Pointer ctx, @In ByteBuffer data, long count);

        int EVP_DigestFinal_ex(Pointer ctx, @Out byte[] md, Pointer size);
    }

    /** libcrypto and its SHA-256, or null where either is missing. */
    private static final class OpenSsl {
        static final LibCrypto LIB;
        static final Pointer SHA256;

        static {
            LibCrypto lib = null;
            Pointer md = null;
            try {
                lib = LibraryLoader.create(LibCrypto.class).failImmediately().load("crypto");
                md = lib.EVP_sha256();
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                LOG.fine("libcrypto not loaded, SHA-256 by the JDK: " + e);
            }
            LIB = md == null ? null : lib;
            SHA256 = md;
        }
    }

    /** A new digest: libcrypto's if it loads, else the JDK's. */
    static Sha256 create() {
        return OpenSsl.LIB != null ? new Native() : jdk();
    }

    static Sha256 jdk() {
        return new Jdk();
    }

    /** Whether {@link #create} gives libcrypto's digest. */
    static boolean openSsl() {
        return OpenSsl.LIB != null;
    }

    abstract void update(byte[] b, int off, int len);

    void update(byte b) {
        update(new byte[] {b}, 0, 1);
    }

    /** The 32 bytes of the digest; call once, at the end. */
    abstract byte[] digestBytes();

    /** {@code sha256:<hex>} of everything given; call once, at the end. */
    final String finish() {
        return "sha256:" + HexFormat.of().formatHex(digestBytes());
    }

    private static final class Jdk extends Sha256 {
        private final MessageDigest md;

        Jdk() {
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK lacks SHA-256", e);
            }
        }

        @Override
        void update(byte[] b, int off, int len) {
            md.update(b, off, len);
        }

        @Override
        void update(byte b) {
            md.update(b);
        }

        @Override
        byte[] digestBytes() {
            return md.digest();
        }
    }

    /** Its context is freed by {@link #digestBytes}; a digest given up half way (a failed import) leaks those few bytes. */
    private static final class Native extends Sha256 {
        private final LibCrypto lib = OpenSsl.LIB;
        private final Pointer ctx;

        Native() {
            ctx = lib.EVP_MD_CTX_new();
            if (ctx == null || lib.EVP_DigestInit_ex(ctx, OpenSsl.SHA256, null) != 1) {
                throw new IllegalStateException("libcrypto refused to start a SHA-256 digest");
            }
        }

        @Override
        void update(byte[] b, int off, int len) {
            if (len > 0 && lib.EVP_DigestUpdate(ctx, ByteBuffer.wrap(b, off, len), len) != 1) {
                throw new IllegalStateException("libcrypto's SHA-256 failed");
            }
        }

        @Override
        byte[] digestBytes() {
            byte[] md = new byte[32];
            try {
                if (lib.EVP_DigestFinal_ex(ctx, md, null) != 1) throw new IllegalStateException("libcrypto's SHA-256 failed");
            } finally {
                lib.EVP_MD_CTX_free(ctx);
            }
            return md;
        }
    }
}
