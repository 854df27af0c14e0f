package dev.jfs.archive;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** libcrypto's SHA-256 and the JDK's give the same digests, whatever the chunks they are fed. */
class Sha256Test {
    @Test
    void libcryptoIsUsedWhereItIsInstalled() {
        // scripts/install-deps installs libssl3; without it commit would hash at a tenth of the speed.
        assertTrue(Sha256.openSsl(), "libcrypto.so.3 did not load");
    }

    @Test
    void knownVectors() {
        for (Sha256 d : new Sha256[] {Sha256.create(), Sha256.jdk()}) {
            byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
            d.update(abc, 0, abc.length);
            assertEquals("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", d.finish());
        }
        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.create().finish());
    }

    @Test
    void chunksWithOffsetsAndSingleBytesGiveTheJdksDigest() {
        Random r = new Random(42);
        byte[] data = new byte[3 << 20];
        r.nextBytes(data);
        Sha256 nat = Sha256.create(), jdk = Sha256.jdk();
        int at = 0;
        while (at < data.length) {
            int n = Math.min(data.length - at, r.nextInt(3) == 0 ? 1 : r.nextInt(300_000));
            if (n == 1) {
                nat.update(data[at]);
                jdk.update(data[at]);
            } else {
                nat.update(data, at, n);
                jdk.update(data, at, n);
            }
            at += n;
        }
        assertEquals(jdk.finish(), nat.finish());
    }
}
