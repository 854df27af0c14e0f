package dev.jfs.build;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Docker's .dockerignore rules, one pattern file and path at a time. */
class DockerIgnoreTest {

    @ParameterizedTest(name = "[{0}] {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "*.md|README.md|true",
        "*.md|docs/README.md|false",
        "**/*.md|docs/README.md|true",
        "**/*.md|README.md|true",
        "**/*.md|a/b/c/x.md|true",
        "docs|docs/a/b.txt|true",
        "docs|docs|true",
        "docs|docsx|false",
        "/docs|docs/x|true",
        "./docs|docs/x|true",
        "docs/|docs/x|true",
        "a/../b|b|true",
        "temp?|temp1|true",
        "temp?|temp12|false",
        "*/temp*|x/temporary|true",
        "*/temp*|x/y/temporary|false",
        "**|anything/at/all|true",
        "a/**|a/b/c|true",
        "a/**|b/a|false",
        "a/**/z|a/z|true",
        "a/**/z|a/b/c/z|true",
        "[a-c].txt|b.txt|true",
        "[a-c].txt|d.txt|false",
        "[!a-c].txt|d.txt|true",
        "node_modules|node_modules/pkg/index.js|true",
        "file.txt|sub/file.txt|false",
        "x\\*y|x*y|true",
        "x\\*y|xay|false",
        "*.txt.|a.txt.|true",
        "*.txt.|a_txt.|false",
    })
    void single(String pattern, String path, boolean excluded) {
        assertEquals(excluded, DockerIgnore.parse(pattern).excludes(path));
    }

    @Test
    void exceptionsAndLastMatchWins() {
        DockerIgnore ig = DockerIgnore.parse("# comment\n*.md\n!README.md\n\n  \nlogs\n!logs/keep.log\n");
        assertTrue(ig.excludes("CHANGES.md"));
        assertFalse(ig.excludes("README.md"));
        assertTrue(ig.excludes("logs/a.log"));
        assertFalse(ig.excludes("logs/keep.log"));
        assertFalse(ig.excludes("src/main.c"));
        assertTrue(ig.mayIncludeBelow("logs"));
        DockerIgnore later = DockerIgnore.parse("!README.md\n*.md\n");
        assertTrue(later.excludes("README.md"), "an exception before the pattern is overridden by it");
        DockerIgnore plain = DockerIgnore.parse("build\n");
        assertFalse(plain.mayIncludeBelow("build"));
        assertTrue(DockerIgnore.parse("x\n!*.keep\n").mayIncludeBelow("x"));
    }

    @Test
    void commentsOnlyAtLineStartAndWhitespaceTrimmed() {
        DockerIgnore ig = DockerIgnore.parse("  secret.txt  \n # not a comment\n!  kept.txt\n");
        assertTrue(ig.excludes("secret.txt"));
        assertTrue(ig.excludes("# not a comment"));
        assertFalse(ig.excludes("kept.txt"));
        assertTrue(DockerIgnore.parse("").isEmpty());
    }

    @Test
    void readsTheContextFileOrNothing(@TempDir Path ctx) throws Exception {
        assertSame(DockerIgnore.NONE, DockerIgnore.read(ctx));
        Files.writeString(ctx.resolve(".dockerignore"), "*.log\r\n.git\r\n");
        DockerIgnore ig = DockerIgnore.read(ctx);
        assertTrue(ig.excludes("x.log"));
        assertTrue(ig.excludes(".git/HEAD"));
        assertFalse(ig.excludes("Dockerfile"));
    }

    @Test
    void cleaning() {
        assertEquals("a/b", DockerIgnore.clean("./a//b/"));
        assertEquals("/", DockerIgnore.clean("/"));
        assertEquals("../x", DockerIgnore.clean("../x"));
        assertEquals("/x", DockerIgnore.clean("/../x"));
        assertEquals(".", DockerIgnore.clean("a/.."));
    }
}
