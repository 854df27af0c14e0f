package dev.jfs.build;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.build.Instruction.*;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Dockerfile as Docker's parser reads it: lines, directives, forms, heredocs, and the errors. */
class DockerfileTest {

    static Dockerfile parse(String text) {
        return Dockerfile.parse("Dockerfile", text);
    }

    static List<Instruction> steps(String text) {
        return parse(text).stages().get(0).instructions();
    }

    static String error(String text) {
        return assertThrows(DockerfileException.class, () -> parse(text)).getMessage();
    }

    @Test
    void continuationsJoinWithoutNewlineSkippingCommentsAndBlankLines() {
        Run run = (Run) steps("FROM scratch\nRUN apt-get update && \\\n# a comment\n\n    apt-get install -y x  \\  \n   && rm -rf /var/lib/apt\n").get(0);
        assertEquals("apt-get update &&     apt-get install -y x     && rm -rf /var/lib/apt", run.command().shellText());
        assertEquals(2, run.source().line());
        assertEquals(6, run.source().endLine());
    }

    @Test
    void commentsBlankLinesAndCaseOfKeywords() {
        Dockerfile df = parse("# hello\n\n   # indented comment\nfrom busybox AS Build\n  run echo hi # not a comment\n");
        assertEquals("busybox", df.stages().get(0).from().image());
        assertEquals("build", df.stages().get(0).name());
        assertEquals("echo hi # not a comment", ((Run) df.stages().get(0).instructions().get(0)).command().shellText());
        assertEquals(5, df.stages().get(0).instructions().get(0).source().line());
    }

    @Test
    void escapeDirectiveMakesBacktickTheContinuation() {
        Dockerfile df = parse("# escape=`\n# syntax=docker/dockerfile:1\nFROM scratch\nRUN dir c:\\ `\n  && echo x\n");
        assertEquals('`', df.escape());
        assertEquals("dir c:\\   && echo x", ((Run) df.stages().get(0).instructions().get(0)).command().shellText());
    }

    @Test
    void directivesOnlyCountAtTheTop() {
        Dockerfile df = parse("# a comment\n# escape=`\nFROM scratch\nRUN a \\\n b\n");
        assertEquals('\\', df.escape());
        assertEquals("a  b", ((Run) df.stages().get(0).instructions().get(0)).command().shellText());
        assertEquals('\\', parse("# unknown=x\n# escape=`\nFROM scratch\n").escape());
        assertTrue(error("# escape=`\n# escape=\\\nFROM scratch\n").startsWith("Dockerfile:2: only one escape"));
        assertTrue(error("# escape=x\nFROM scratch\n").startsWith("Dockerfile:1: invalid escape token"));
    }

    @Test
    void execAndShellForms() {
        List<Instruction> s = steps("FROM scratch\nCMD [\"echo\", \"a b\"]\nENTRYPOINT /bin/ping -c 3\nRUN [\"/bin/sh\",\"-c\",\"x\"]\nCMD [not json\nCMD []\n");
        assertEquals(new Command(true, List.of("echo", "a b"), null), ((Cmd) s.get(0)).command());
        assertEquals(new Command(false, null, "/bin/ping -c 3"), ((Entrypoint) s.get(1)).command());
        assertEquals(List.of("/bin/sh", "-c", "x"), ((Run) s.get(2)).command().args());
        assertEquals("[not json", ((Cmd) s.get(3)).command().shellText());
        assertEquals(List.of(), ((Cmd) s.get(4)).command().args());
        assertEquals(List.of("/bin/sh", "-c", "/bin/ping -c 3"), ((Entrypoint) s.get(1)).command().argv(List.of("/bin/sh", "-c")));
        assertEquals("[\"echo\",\"a b\"]", ((Cmd) s.get(0)).command().display());
    }

    @Test
    void fromForms() {
        Dockerfile df = parse("ARG BASE=busybox\nARG V\nFROM --platform=linux/amd64 ${BASE}:$V as base\nFROM base\nFROM scratch AS out\n");
        assertEquals(2, df.metaArgs().size());
        assertEquals(3, df.stages().size());
        assertEquals("${BASE}:$V", df.stages().get(0).from().image());
        assertEquals("linux/amd64", df.stages().get(0).from().platform());
        assertEquals("base", df.stages().get(0).name());
        assertNull(df.stages().get(1).name());
        assertSame(df.stages().get(2), df.stage("out"));
        assertSame(df.stages().get(1), df.stage("1"));
        assertNull(df.stage("nope"));
    }

    @Test
    void copyAndAddFlags() {
        List<Instruction> s = steps("FROM scratch\nCOPY --from=build --chown=app:app --chmod=0755 --link a b* /dest/\n"
                + "ADD [\"with space\", \"/x\"]\nCOPY a b\n");
        Copy c = (Copy) s.get(0);
        assertEquals(List.of("a", "b*"), c.sources());
        assertEquals("/dest/", c.dest());
        assertEquals("build", c.from());
        assertEquals("app:app", c.chown());
        assertEquals("0755", c.chmod());
        assertTrue(c.link());
        assertFalse(c.add());
        Copy a = (Copy) s.get(1);
        assertTrue(a.add());
        assertEquals(List.of("with space"), a.sources());
        assertEquals("/x", a.dest());
        assertNull(((Copy) s.get(2)).chown());
    }

    @Test
    void envLabelArgForms() {
        List<Instruction> s = steps("FROM scratch\nENV A=1 B=\"two words\" C=a\\ b\nENV OLD the rest of it\nLABEL \"com.x\"=\"y\" v=1\nARG X\nARG Y=2 Z\n");
        assertEquals(List.of(new KeyValue("A", "1"), new KeyValue("B", "\"two words\""), new KeyValue("C", "a\\ b")), ((Env) s.get(0)).pairs());
        assertEquals(List.of(new KeyValue("OLD", "the rest of it")), ((Env) s.get(1)).pairs());
        assertEquals(List.of(new KeyValue("\"com.x\"", "\"y\""), new KeyValue("v", "1")), ((Label) s.get(2)).pairs());
        assertEquals(List.of(new KeyValue("X", null)), ((Arg) s.get(3)).args());
        assertEquals(List.of(new KeyValue("Y", "2"), new KeyValue("Z", null)), ((Arg) s.get(4)).args());
    }

    @Test
    void otherInstructions() {
        List<Instruction> s = steps("FROM scratch\nWORKDIR /app dir\nUSER 1000:1000\nEXPOSE 80 443/udp\nVOLUME [\"/data\", \"/logs\"]\nVOLUME /a /b\n"
                + "STOPSIGNAL SIGTERM\nSHELL [\"/bin/bash\", \"-c\"]\nONBUILD RUN echo hi\nMAINTAINER me <me@x>\n"
                + "HEALTHCHECK --interval=30s --timeout=1m30s --retries=3 CMD curl -f http://x/ || exit 1\nHEALTHCHECK NONE\nHEALTHCHECK CMD [\"true\"]\n");
        assertEquals("/app dir", ((Workdir) s.get(0)).path());
        assertEquals("1000:1000", ((User) s.get(1)).user());
        assertEquals(List.of("80", "443/udp"), ((Expose) s.get(2)).ports());
        assertEquals(List.of("/data", "/logs"), ((Volume) s.get(3)).paths());
        assertEquals(List.of("/a", "/b"), ((Volume) s.get(4)).paths());
        assertEquals("SIGTERM", ((StopSignal) s.get(5)).signal());
        assertEquals(List.of("/bin/bash", "-c"), ((Shell) s.get(6)).shell());
        assertEquals("RUN echo hi", ((OnBuild) s.get(7)).expression());
        assertEquals("me <me@x>", ((Maintainer) s.get(8)).name());
        Healthcheck h = (Healthcheck) s.get(9);
        assertEquals(List.of("CMD-SHELL", "curl -f http://x/ || exit 1"), h.test());
        assertEquals(30_000_000_000L, h.interval());
        assertEquals(90_000_000_000L, h.timeout());
        assertEquals(3, h.retries());
        assertEquals(List.of("NONE"), ((Healthcheck) s.get(10)).test());
        assertEquals(List.of("CMD", "true"), ((Healthcheck) s.get(11)).test());
    }

    @Test
    void runMountsAndNetwork() {
        Run r = (Run) steps("FROM scratch\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,dst=root/.cache --network=none make\n").get(0);
        assertEquals(List.of("/var/cache/apt", "/root/.cache"), r.cacheTargets());
        assertEquals("none", r.network());
        assertEquals("make", r.command().shellText());
    }

    @Test
    void heredocs() {
        Dockerfile df = parse("FROM scratch\nRUN <<EOF\necho one\necho two\nEOF\n"
                + "RUN cat <<-'END' > /x && cat <<B >/y\n\tkeep $HOME\n\tEND\nb\nB\n"
                + "COPY <<app.conf <<\"raw\" /etc/\nport=$PORT\napp.conf\n$NOT\nraw\nCMD x\n");
        List<Instruction> s = df.stages().get(0).instructions();
        Run lone = (Run) s.get(0);
        assertEquals("echo one\necho two\n", lone.command().shellText());
        assertEquals(5, lone.source().endLine());
        Run shellReads = (Run) s.get(1);
        assertEquals("cat <<-'END' > /x && cat <<B >/y\n\tkeep $HOME\nEND\nb\nB\n", shellReads.command().shellText());
        Copy c = (Copy) s.get(2);
        assertEquals(2, c.heredocs().size());
        assertEquals("app.conf", c.heredocs().get(0).name());
        assertTrue(c.heredocs().get(0).expand());
        assertEquals("port=$PORT\n", c.heredocs().get(0).body());
        assertFalse(c.heredocs().get(1).expand());
        assertEquals("$NOT\n", c.heredocs().get(1).body());
        assertEquals(List.of("<<app.conf", "<<\"raw\""), c.sources());
        assertEquals(new Command(false, null, "x"), ((Cmd) s.get(3)).command());
        assertEquals(16, s.get(3).source().line());
        Heredoc tabs = new Heredoc("E", true, true, "\t\ta\n\tb\nc\n");
        assertEquals("a\nb\nc\n", tabs.body());
    }

    @Test
    void errorsNameFileLineAndWhatWasExpected() {
        assertTrue(error("FROM scratch\n\nFOO bar\n").startsWith("Dockerfile:3: unknown instruction: FOO"));
        assertEquals("Dockerfile:1: RUN before the first FROM: only ARG may come before FROM", error("RUN x\n"));
        assertTrue(error("# only a comment\n").contains("no FROM instruction"));
        assertTrue(error("FROM a b\n").startsWith("Dockerfile:1: FROM requires either one argument"));
        assertTrue(error("FROM a AS 1x\n").startsWith("Dockerfile:1: invalid name for build stage"));
        assertTrue(error("FROM a AS x\nFROM b AS x\n").startsWith("Dockerfile:2: duplicate name for build stage"));
        assertTrue(error("FROM a\nCOPY onlyone\n").startsWith("Dockerfile:2: COPY requires at least two arguments"));
        assertTrue(error("FROM a\nCOPY --bogus=1 a b\n").startsWith("Dockerfile:2: unknown flag: --bogus"));
        assertTrue(error("FROM a\nADD --from=x a b\n").startsWith("Dockerfile:2: unknown flag: --from"));
        assertTrue(error("FROM a\nCOPY --chown a b\n").startsWith("Dockerfile:2: missing a value on flag --chown"));
        assertTrue(error("FROM a\nCOPY --chmod=rwx a b\n").startsWith("Dockerfile:2: --chmod takes an octal mode"));
        assertTrue(error("FROM a\nRUN\n").startsWith("Dockerfile:2: RUN requires at least one argument"));
        assertTrue(error("FROM a\nRUN []\n").startsWith("Dockerfile:2: RUN requires at least one argument"));
        assertTrue(error("FROM a\nSHELL /bin/sh -c\n").startsWith("Dockerfile:2: SHELL requires the arguments to be in JSON form"));
        assertTrue(error("FROM a\nENV\n").startsWith("Dockerfile:2: ENV requires at least one argument"));
        assertTrue(error("FROM a\nENV A\n").startsWith("Dockerfile:2: ENV A needs a value"));
        assertTrue(error("FROM a\nENV A=1 B\n").startsWith("Dockerfile:2: can't find = in \"B\""));
        assertTrue(error("FROM a\nENV =1\n").startsWith("Dockerfile:2: ENV names can not be blank"));
        assertTrue(error("FROM a\nWORKDIR\n").startsWith("Dockerfile:2: WORKDIR requires exactly one argument"));
        assertTrue(error("FROM a\nUSER a b\n").startsWith("Dockerfile:2: USER requires exactly one argument"));
        assertTrue(error("FROM a\nEXPOSE\n").startsWith("Dockerfile:2: EXPOSE requires at least one argument"));
        assertTrue(error("FROM a\nONBUILD ONBUILD RUN x\n").startsWith("Dockerfile:2: chaining ONBUILD"));
        assertTrue(error("FROM a\nONBUILD FROM x\n").startsWith("Dockerfile:2: FROM isn't allowed as an ONBUILD trigger"));
        assertTrue(error("FROM a\nONBUILD BOGUS x\n").startsWith("Dockerfile:2: unknown instruction: BOGUS"));
        assertTrue(error("FROM a\nHEALTHCHECK --interval=soon CMD x\n").startsWith("Dockerfile:2: --interval takes a duration"));
        assertTrue(error("FROM a\nHEALTHCHECK --retries=0 CMD x\n").startsWith("Dockerfile:2: --retries must be"));
        assertTrue(error("FROM a\nHEALTHCHECK RUN x\n").startsWith("Dockerfile:2: unknown type"));
        assertTrue(error("FROM a\nRUN --mount=type=bind,target=/x x\n").startsWith("Dockerfile:2: --mount=type=bind is not supported"));
        assertTrue(error("FROM a\nRUN --mount=type=cache x\n").startsWith("Dockerfile:2: --mount=type=cache needs target"));
        assertTrue(error("FROM a\nRUN --network=bridge x\n").startsWith("Dockerfile:2: --network must be"));
        assertTrue(error("FROM a\nRUN cat <<EOF\nno end\n").startsWith("Dockerfile:2: unterminated heredoc EOF"));
        assertTrue(error("FROM a\nCOPY --from=x --from=y a b\n").startsWith("Dockerfile:2: duplicate flag"));
        String named = assertThrows(DockerfileException.class, () -> Dockerfile.parse("sub/Dockerfile.dev", "FROM a\nNOPE\n")).getMessage();
        assertTrue(named.startsWith("sub/Dockerfile.dev:2: unknown instruction: NOPE"), named);
        for (String e : List.of(error("FROM a\nFOO\n"), error("FROM a\nCOPY x\n"))) assertFalse(e.contains("\n"), e);
    }

    @Test
    void crlfBomAndTrailingWhitespace() {
        Dockerfile df = parse("\uFEFFFROM scratch\r\nRUN a \\\r\n  b   \r\nCMD x\r\n");
        assertEquals("a   b", ((Run) df.stages().get(0).instructions().get(0)).command().shellText());
        assertEquals(4, df.stages().get(0).instructions().get(1).source().line());
    }
}
