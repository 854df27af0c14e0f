package dev.jfs.transfer.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthFileTest {
    @TempDir
    Path tmp;

    private Map<String, String> env() {
        return Map.of("XDG_RUNTIME_DIR", tmp.resolve("run").toString(), "HOME", tmp.resolve("home").toString());
    }

    @Test
    void loginWritesPodmansFileKeepingOtherFields() throws Exception {
        AuthFile f = AuthFile.forLogin(env());
        assertEquals(tmp.resolve("run/containers/auth.json"), f.path());
        Files.createDirectories(f.path().getParent());
        Files.writeString(f.path(), "{\"auths\":{\"other:1\":{\"auth\":\"eDp5\"}},\"credHelpers\":{\"x\":\"y\"}}");
        f.store("127.0.0.1:5000", new Credentials("me", "pa:ss"));
        String text = Files.readString(f.path());
        assertTrue(text.contains("credHelpers"), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.path())));
        assertEquals(new Credentials("me", "pa:ss"), f.find("127.0.0.1:5000", "app"));
        assertEquals(new Credentials("x", "y"), f.find("other:1", "app"));
        assertTrue(f.remove("127.0.0.1:5000"));
        assertFalse(f.remove("127.0.0.1:5000"));
        assertNull(f.find("127.0.0.1:5000", "app"));
    }

    @Test
    void dockersConfigIsReadAfterPodmans() throws Exception {
        Path docker = tmp.resolve("home/.docker/config.json");
        Files.createDirectories(docker.getParent());
        Files.writeString(docker, "{\"auths\":{\"https://reg.example.com/v1/\":{\"auth\":\"" + new Credentials("d", "1").basic()
                + "\"},\"both:5000\":{\"auth\":\"" + new Credentials("d", "2").basic() + "\"}}}");
        List<AuthFile> files = AuthFile.forLookup(env());
        assertEquals(new Credentials("d", "1"), AuthFile.lookup(files, "reg.example.com", "a/b"));
        AuthFile.forLogin(env()).store("both:5000", new Credentials("p", "3"));
        assertEquals(new Credentials("p", "3"), AuthFile.lookup(files, "both:5000", "a"));
        assertNull(AuthFile.lookup(files, "none:1", "a"));
    }

    @Test
    void theMostSpecificKeyWins() throws Exception {
        AuthFile f = AuthFile.forLogin(env());
        f.store("reg:1", new Credentials("host", "h"));
        f.store("reg:1/team", new Credentials("team", "t"));
        assertEquals(new Credentials("team", "t"), f.find("reg:1", "team/app"));
        assertEquals(new Credentials("host", "h"), f.find("reg:1", "other"));
    }

    @Test
    void credsSplitAtTheFirstColon() {
        assertEquals(new Credentials("u", "p:q"), Credentials.parse("u:p:q"));
    }
}
