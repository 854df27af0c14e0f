package dev.jfs.transfer.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AuthChallengeTest {
    @Test
    void bearerWithQuotedParameters() {
        AuthChallenge c = AuthChallenge.parse(
                "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:a/b:pull,push\"");
        assertTrue(c.isBearer());
        assertEquals("https://auth.example.com/token", c.param("realm"));
        assertEquals("registry.example.com", c.param("service"));
        assertEquals("repository:a/b:pull,push", c.param("scope"));
    }

    @Test
    void basicAndUnquotedValues() {
        AuthChallenge c = AuthChallenge.parse("Basic realm=basic-realm, charset=\"UTF-8\"");
        assertTrue(c.isBasic());
        assertEquals("basic-realm", c.param("realm"));
        assertEquals("UTF-8", c.param("charset"));
    }

    @Test
    void escapedQuotes() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"a\\\"b\",error=\"insufficient_scope\"");
        assertEquals("a\"b", c.param("realm"));
        assertEquals("insufficient_scope", c.param("error"));
    }
}
