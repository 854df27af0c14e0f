package dev.jfs.transfer.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jfs.UserError;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void hostPortRepositoryAndTag() {
        ImageReference r = ImageReference.parse("127.0.0.1:5000/team/app:v1.2");
        assertEquals("127.0.0.1:5000", r.host());
        assertEquals("team/app", r.repository());
        assertEquals("v1.2", r.tag());
        assertNull(r.digest());
        assertEquals("v1.2", r.manifestReference());
        assertEquals("127.0.0.1:5000/team/app:v1.2", r.toString());
        assertEquals("127.0.0.1:5000/team/app:v1.2", r.localTag().toString());
    }

    @Test
    void noTagMeansLatest() {
        ImageReference r = ImageReference.parse("registry.example.com/app");
        assertEquals("registry.example.com", r.host());
        assertEquals("latest", r.tag());
    }

    @Test
    void aDigestDecides() {
        ImageReference r = ImageReference.parse("localhost:5000/app@" + DIGEST);
        assertNull(r.tag());
        assertNull(r.localTag());
        assertEquals(DIGEST, r.manifestReference());
        ImageReference both = ImageReference.parse("localhost:5000/app:v1@" + DIGEST);
        assertEquals("v1", both.tag());
        assertEquals(DIGEST, both.manifestReference());
        assertEquals("localhost:5000/app:v1@" + DIGEST, both.toString());
    }

    @Test
    void dockerHubSpellingParses() {
        ImageReference r = ImageReference.parse("docker.io/library/debian:bookworm");
        assertEquals("docker.io", r.host());
        assertEquals("library/debian", r.repository());
        assertEquals("bookworm", r.tag());
    }

    @Test
    void badReferencesNameThemselves() {
        for (String bad : new String[] {"app", "app:v1", "host/App", "host/app:", "host/app@sha256:12", "host/",
                "ho st/app", "host//app", "host/app-"}) {
            UserError e = assertThrows(UserError.class, () -> ImageReference.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("'" + bad + "': not an image reference"), e.getMessage());
        }
    }
}
