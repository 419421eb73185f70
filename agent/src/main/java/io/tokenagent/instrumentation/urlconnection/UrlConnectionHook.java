package io.tokenagent.instrumentation.urlconnection;

import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.RequestHeaders;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;

/**
 * Called by the JDK's {@code HttpURLConnection.writeRequests()} with the headers about to be written for one hop.
 * Defined in the boot loader; references only the JDK and the bridge. The JDK's {@code MessageHeader} is
 * reached through method handles because it is internal (exported to this class's module at start).
 *
 * <p>{@code requests} is what goes on the wire; {@code userHeaders} holds what the application set itself, and
 * so tells the agent's header from the application's.
 */
public final class UrlConnectionHook {

    private static final String NAME = "urlconnection";
    private static final MethodHandle FIND_VALUE;
    private static final MethodHandle SET;
    private static final MethodHandle ADD;
    private static final MethodHandle REMOVE;
    /** {@code MessageHeader.multiValueIterator}: every value of a name, for the response's challenges. */
    private static final MethodHandle ALL_VALUES;

    static {
        MethodHandle findValue = null;
        MethodHandle set = null;
        MethodHandle add = null;
        MethodHandle remove = null;
        MethodHandle allValues = null;
        try {
            Class<?> messageHeader = Class.forName("sun.net.www.MessageHeader");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodType twoStrings = MethodType.methodType(void.class, String.class, String.class);
            findValue = generic(lookup.findVirtual(messageHeader, "findValue",
                    MethodType.methodType(String.class, String.class)));
            set = generic(lookup.findVirtual(messageHeader, "set", twoStrings));
            add = generic(lookup.findVirtual(messageHeader, "add", twoStrings));
            remove = generic(lookup.findVirtual(messageHeader, "remove",
                    MethodType.methodType(void.class, String.class)));
            allValues = generic(lookup.findVirtual(messageHeader, "multiValueIterator",
                    MethodType.methodType(Iterator.class, String.class)));
        } catch (Throwable t) {
            // An initialiser that threw would fail every request: without the handles the hook does nothing.
            TokenAgentBridge.hookFailed(NAME, null, t);
            findValue = null;
        }
        FIND_VALUE = findValue;
        SET = set;
        ADD = add;
        REMOVE = remove;
        ALL_VALUES = allValues;
    }

    private UrlConnectionHook() {
    }

    private static MethodHandle generic(MethodHandle handle) {
        return handle.asType(handle.type().changeParameterType(0, Object.class));
    }

    /**
     * Makes {@code requests} carry the agent's header if and only if this hop's URL is matched: takes off the
     * header an earlier hop of the same connection got, then adds this hop's.
     *
     * @throws IOException only the documented {@code on_failure=fail} error, when no token can be had
     */
    public static void beforeWrite(Object requests, Object userHeaders, URL url) throws IOException {
        if (FIND_VALUE == null) {
            return;
        }
        HeaderRule rule = null;
        try {
            HeaderPolicy.removeInjected(new Headers(requests));
            rule = TokenAgentBridge.match(url.getProtocol(), url.getHost(), url.getPort(), url.getPath());
            if (!HeaderPolicy.applies(rule, new Headers(userHeaders))) {
                return;
            }
        } catch (Throwable t) {
            HeaderPolicy.failOrGoOn(NAME, rule, t); // on_failure=fail: never sent bare once matched
            return; // never break a request because of the agent's plumbing
        }
        String value = rule.headerValue(url.getProtocol(), url.getHost(), url.getPort());
        if (value == null) {
            return;
        }
        try {
            if (rule.overwrite()) {
                REMOVE.invokeExact(requests, rule.headerName());
                ADD.invokeExact(requests, rule.headerName(), value);
            } else {
                SET.invokeExact(requests, rule.headerName(), value);
            }
        } catch (Throwable t) {
            HeaderPolicy.failOrGoOn(NAME, rule, t); // on_failure=fail: never sent bare once matched
        }
    }

    /**
     * Told of each 401 the connection's response loop handles, with what {@code getServerAuthentication} found for
     * it ({@code credentials}: the JDK's own, or null). Renews the agent's token when the 401 refused it; when the JDK
     * has no credentials of its own and the agent sends the request again ({@code retry_on_401}, a safe method, no
     * buffered body in {@code poster}), answers a non-null stand-in, on which the loop sends it once more.
     *
     * @return {@code credentials} when not null; else a stand-in to send the request again, or null
     */
    @SuppressWarnings("unchecked")
    public static Object unauthorized(Object credentials, Object requests, Object responses, URL url, String method,
            Object poster) {
        if (FIND_VALUE == null) {
            return credentials;
        }
        try {
            List<String> challenges = new ArrayList<String>();
            Iterator<String> values = (Iterator<String>) ALL_VALUES.invokeExact(responses, "WWW-Authenticate");
            while (values.hasNext()) {
                challenges.add(values.next());
            }
            HeaderRule rule = TokenAgentBridge.match(url.getProtocol(), url.getHost(), url.getPort(), url.getPath());
            boolean replay = HeaderPolicy.replayAfter(NAME, rule, new Headers(requests), 401, challenges, method,
                    poster != null);
            return credentials != null || !replay ? credentials : Boolean.TRUE;
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(NAME, null, t);
            return credentials;
        }
    }

    /** A {@code sun.net.www.MessageHeader}, for {@link HeaderPolicy}: its first value of a name is what it sends. */
    private static final class Headers implements RequestHeaders {
        private final Object headers;

        Headers(Object headers) {
            this.headers = headers;
        }

        @Override
        public List<String> values(String name) throws Exception {
            String value;
            try {
                value = (String) FIND_VALUE.invokeExact(headers, name);
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            return value == null ? Collections.<String>emptyList() : Collections.singletonList(value);
        }

        @Override
        public void remove(String name) throws Exception {
            try {
                REMOVE.invokeExact(headers, name);
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }
}
