package dev.roomcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** {@link RequestToken#queryParameter}: the first value of a parameter, decoded, as Vert.x's getParam reads it. */
class RequestTokenTest {

    @Test
    void findsTheParameterWhereverItIs() {
        assertEquals("abc", RequestToken.queryParameter("access_token=abc", "access_token"));
        assertEquals("abc", RequestToken.queryParameter("since=5&access_token=abc&x=1", "access_token"));
        assertEquals("abc", RequestToken.queryParameter("x=1&access_token=abc", "access_token"));
    }

    @Test
    void decodesIt() {
        assertEquals("a.b+c/d=", RequestToken.queryParameter("access_token=a.b%2Bc%2Fd%3D", "access_token"));
        assertEquals("a b", RequestToken.queryParameter("access_token=a+b", "access_token"));
    }

    @Test
    void takesTheFirstOfSeveral() {
        assertEquals("one", RequestToken.queryParameter("access_token=one&access_token=two", "access_token"));
    }

    @Test
    void matchesTheWholeName() {
        assertNull(RequestToken.queryParameter("xaccess_token=abc&access_tokens=def", "access_token"));
        assertNull(RequestToken.queryParameter("access_token_x=abc", "access_token"));
    }

    @Test
    void anEmptyOrValuelessParameterIsEmpty() {
        assertEquals("", RequestToken.queryParameter("access_token=", "access_token"));
        assertEquals("", RequestToken.queryParameter("a=1&access_token&b=2", "access_token"));
    }

    @Test
    void noQueryOrNoSuchParameterIsNull() {
        assertNull(RequestToken.queryParameter(null, "access_token"));
        assertNull(RequestToken.queryParameter("", "access_token"));
        assertNull(RequestToken.queryParameter("a=1&&b=2&", "access_token"));
    }
}
