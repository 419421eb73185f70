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
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;

/**
 * Called by the JDK's {@code HttpURLConnection.writeRequests()} with the headers about to be written for one hop.
 * Defined in the boot loader; references only the JDK and the bridge. The JDK's {@code MessageHeader} is
 * reached through reflection because it is internal (exported to this class's module at start).
 *
 * <p>{@code requests} is what goes on the wire; {@code userHeaders} holds what the application set itself, and
 * so tells the agent's header from the application's.
 */
public final class UrlConnectionHook {

    private static final String NAME = "urlconnection";
    private static final Method FIND_VALUE;
    private static final Method SET;
    private static final Method ADD;
    private static final Method REMOVE;
    /** {@code MessageHeader.multiValueIterator}: every value of a name, for the response's challenges. */
    private static final Method ALL_VALUES;
    private static final AccessibleObject[] NONE = new AccessibleObject[0];

    // Core reflection rather than method handles: the first method handles of a JVM spin classes (lambda forms)
    // on the application's first request, about 10 ms measured on the start-up path; a request makes a few calls.
    static {
        Method findValue = null;
        Method set = null;
        Method add = null;
        Method remove = null;
        Method allValues = null;
        try {
            Class<?> messageHeader = Class.forName("sun.net.www.MessageHeader");
            findValue = messageHeader.getMethod("findValue", String.class);
            set = messageHeader.getMethod("set", String.class, String.class);
            add = messageHeader.getMethod("add", String.class, String.class);
            remove = messageHeader.getMethod("remove", String.class);
            allValues = messageHeader.getMethod("multiValueIterator", String.class);
        } catch (Throwable t) {
            // An initialiser that threw would fail every request: without the methods the hook does nothing.
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

    /**
     * The reflective methods above until they are accessible, then none. {@code sun.net.www} is not exported to
     * this hook's module, and exporting it takes {@code Instrumentation.redefineModule}, whose first call costs the
     * JVM milliseconds of lambda bootstrap at every start: so the rewritten {@code HttpURLConnection}, a class of
     * that package's own module, passes these to {@code AccessibleObject.setAccessible} itself, before each
     * {@link #beforeWrite}. A fresh array each time: nobody but the rewritten class gets to fill the one it opens.
     */
    @SuppressWarnings("deprecation") // isAccessible: what setAccessible set (canAccess asks another thing, Java 9+)
    public static AccessibleObject[] toOpen() {
        if (FIND_VALUE == null || ALL_VALUES.isAccessible()) {
            return NONE;
        }
        return new AccessibleObject[] {FIND_VALUE, SET, ADD, REMOVE, ALL_VALUES};
    }

    /** {@code method} on {@code headers}, with what it throws as itself. */
    private static Object call(Method method, Object headers, Object... args) throws Exception {
        try {
            return method.invoke(headers, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
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
            // matched first: a header method that fails (not opened to this hook) must fail a matched request
            rule = TokenAgentBridge.match(url.getProtocol(), url.getHost(), url.getPort(), url.getPath());
            HeaderPolicy.removeInjected(new Headers(requests));
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
                call(REMOVE, requests, rule.headerName());
                call(ADD, requests, rule.headerName(), value);
            } else {
                call(SET, requests, rule.headerName(), value);
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
            Iterator<String> values = (Iterator<String>) call(ALL_VALUES, responses, "WWW-Authenticate");
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
            String value = (String) call(FIND_VALUE, headers, name);
            return value == null ? Collections.<String>emptyList() : Collections.singletonList(value);
        }

        @Override
        public void remove(String name) throws Exception {
            call(REMOVE, headers, name);
        }
    }
}
