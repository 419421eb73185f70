package io.tokenagent.instrumentation.okhttp;

import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.RequestHeaders;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The agent's OkHttp interceptor, added to every call's chain by {@link OkHttpInstrumentation}, twice: first in the
 * application interceptors, where a token that cannot be had fails the call before it connects or enters OkHttp's
 * retry loop, and last in the network interceptors, which see every request that leaves (each retry and each
 * redirect hop, with its own URL). Defined in OkHttp's class loader; uses only API present from 3.12 to 5.x.
 *
 * <p>OkHttp runs interceptors on the thread that executes the call: the caller's for {@code execute}, the
 * dispatcher's executor for {@code enqueue}, never an I/O event loop, so waiting there for a first token is what
 * the client itself does for DNS and connecting.
 */
public final class OkHttpHook implements Interceptor {

    private static final String NAME = "okhttp";
    private static final OkHttpHook FIRST = new OkHttpHook();
    private static final OkHttpHook EACH_HOP = new OkHttpHook();

    private OkHttpHook() {
    }

    /** The call's application interceptors with the agent's in front. */
    public static List<Interceptor> withFirst(List<Interceptor> interceptors) {
        List<Interceptor> all = new ArrayList<Interceptor>(interceptors.size() + 1);
        all.add(FIRST);
        all.addAll(interceptors);
        return all;
    }

    /** The call's network interceptors with the agent's last, nearest the wire. */
    public static List<Interceptor> withEachHop(List<Interceptor> interceptors) {
        List<Interceptor> all = new ArrayList<Interceptor>(interceptors.size() + 1);
        all.addAll(interceptors);
        all.add(EACH_HOP);
        return all;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Headers headers = new Headers(chain.request());
        HeaderRule rule = null;
        HttpUrl url;
        try {
            url = headers.request.url();
            if (this == EACH_HOP) {
                HeaderPolicy.removeInjected(headers); // a follow-up is built from the previous hop's request
            }
            rule = TokenAgentBridge.match(url.scheme(), url.host(), url.port(), url.encodedPath());
            if (!HeaderPolicy.applies(rule, headers)) {
                return chain.proceed(headers.request);
            }
        } catch (Throwable t) {
            HeaderPolicy.failOrGoOn(NAME, rule, t); // on_failure=fail: never sent bare once matched
            return chain.proceed(headers.request); // never break a request because of the agent's plumbing
        }
        String value = rule.headerValue(url.scheme(), url.host(), url.port());
        if (value == null) {
            return chain.proceed(headers.request);
        }
        Response response = chain.proceed(headers.request.newBuilder().header(rule.headerName(), value).build());
        if (this != FIRST || !unauthorized(rule, response)) {
            return response;
        }
        response.close(); // its connection goes back before the wait for the new token
        // Sent once more from here, as any request: the new token, or the on_failure path.
        value = rule.headerValue(url.scheme(), url.host(), url.port());
        return chain.proceed(value == null ? headers.request
                : headers.request.newBuilder().header(rule.headerName(), value).build());
    }

    /**
     * Tells the agent of a 401 to the call's last hop when that hop carried the rule's header (a redirect to a URL of
     * another rule is that rule's business); whether to send the call once more.
     */
    private static boolean unauthorized(HeaderRule rule, Response response) {
        try {
            if (response.code() != 401) {
                return false;
            }
            Request sent = response.request();
            HttpUrl url = sent.url();
            if (TokenAgentBridge.match(url.scheme(), url.host(), url.port(), url.encodedPath()) != rule) {
                return false;
            }
            return HeaderPolicy.replayAfter(NAME, rule, new Headers(sent), 401, response.headers("WWW-Authenticate"),
                    sent.method(), sent.body() != null);
        } catch (Throwable t) {
            TokenAgentBridge.hookFailed(NAME, null, t);
            return false;
        }
    }

    /** An OkHttp request's headers, for {@link HeaderPolicy}: requests are immutable, so removing makes a copy. */
    private static final class Headers implements RequestHeaders {
        Request request;

        Headers(Request request) {
            this.request = request;
        }

        @Override
        public List<String> values(String name) {
            return request.headers(name);
        }

        @Override
        public void remove(String name) {
            request = request.newBuilder().removeHeader(name).build();
        }
    }
}
