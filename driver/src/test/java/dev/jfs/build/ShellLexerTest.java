package dev.jfs.build;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Docker's word processing, case by case as its shell lexer documents it. */
class ShellLexerTest {
    static final Map<String, String> ENV = Map.of("NAME", "world", "EMPTY", "", "SPACED", "a  b", "P", "/usr/local");
    final ShellLexer lexer = new ShellLexer('\\');

    String word(String text) {
        return lexer.word(text, ENV::get);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "hello|hello",
        "$NAME|world",
        "${NAME}|world",
        "x${NAME}y|xworldy",
        "$NAME.txt|world.txt",
        "$NAMEx|~~",
        "$UNSET|~~",
        "${UNSET:-def}|def",
        "${EMPTY:-def}|def",
        "${EMPTY-def}|~~",
        "${UNSET-def}|def",
        "${NAME:-def}|world",
        "${NAME:+alt}|alt",
        "${EMPTY:+alt}|~~",
        "${EMPTY+alt}|alt",
        "${UNSET+alt}|~~",
        "${UNSET:-$NAME}|world",
        "${UNSET:-${P}/bin}|/usr/local/bin",
        "'$NAME'|$NAME",
        "\"$NAME\"|world",
        "\"a \\\"q\\\" b\"|a \"q\" b",
        "\"a\\nb\"|a\\nb",
        "\\$NAME|$NAME",
        "a\\ b|a b",
        "$|$",
        "a$|a$",
        "$ x|$ x",
        "$1x|x",
        "'a''b'|ab",
        "\"\"|~~",
        "${SPACED}|a  b",
    })
    void word(String text, String expected) {
        assertEquals(expected, word(text));
    }

    @Test
    void wordsSplitAtUnquotedWhitespaceAfterSubstitution() {
        assertEquals(List.of("a", "b", "world"), lexer.words("$SPACED $NAME", ENV::get));
        assertEquals(List.of("a  b", "x y"), lexer.words("\"$SPACED\" 'x y'", ENV::get));
        assertEquals(List.of("", "x"), lexer.words("\"\" x", ENV::get));
        assertEquals(List.of("80/tcp", "443"), lexer.words("  80/tcp   443 ", ENV::get));
        assertEquals(List.of(), lexer.words("$UNSET", ENV::get));
    }

    @Test
    void backtickEscape() {
        ShellLexer windows = new ShellLexer('`');
        assertEquals("$NAME", windows.word("`$NAME", ENV::get));
        assertEquals("c:\\dir\\world", windows.word("c:\\dir\\$NAME", ENV::get));
        assertEquals("a\"b", windows.word("\"a`\"b\"", ENV::get));
    }

    @Test
    void requiredVariables() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> word("${UNSET:?set it}"));
        assertEquals("UNSET: set it", e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> word("${EMPTY:?}")).getMessage().contains("unset or empty"));
        assertEquals("", word("${EMPTY?}"));
        assertEquals("world", word("${NAME:?x}"));
    }

    @Test
    void malformed() {
        for (String bad : List.of("'open", "\"open", "${NAME", "${NAME:-x", "${}", "${NAME#x}", "${NAME:=x}")) {
            assertThrows(IllegalArgumentException.class, () -> word(bad), bad);
        }
    }

    @Test
    void lookupsNameTheVariablesUsed() {
        TreeSet<String> used = new TreeSet<>();
        Map<String, String> env = new HashMap<>(ENV);
        lexer.word("$NAME ${UNSET:-x} '$QUOTED' ${P:+y}", n -> {
            used.add(n);
            return env.get(n);
        });
        assertEquals(new TreeSet<>(List.of("NAME", "UNSET", "P")), used);
    }
}
