package io.tokenagent.agent;

import io.tokenagent.instrumentation.ClassRewrite;
import io.tokenagent.instrumentation.ClientInstrumentation;
import io.tokenagent.instrumentation.LazyInstrumentation;
import io.tokenagent.instrumentation.apache.v4.ApacheAsync4Instrumentation;
import io.tokenagent.instrumentation.apache.v4.ApacheClassicInstrumentation;
import io.tokenagent.instrumentation.apache.v4.ApacheDirectorInstrumentation;
import io.tokenagent.instrumentation.apache.v5.ApacheAsync5Instrumentation;
import io.tokenagent.instrumentation.apache.v5.ApacheClassic5Instrumentation;
import io.tokenagent.instrumentation.commons.CommonsHttpClientInstrumentation;
import io.tokenagent.instrumentation.httpclient.JdkHttpClientInstrumentation;
import io.tokenagent.instrumentation.jetty.JettyInstrumentation;
import io.tokenagent.instrumentation.netty.NettyHttp2Instrumentation;
import io.tokenagent.instrumentation.netty.NettyHttpInstrumentation;
import io.tokenagent.instrumentation.okhttp.OkHttpInstrumentation;
import io.tokenagent.instrumentation.urlconnection.UrlConnectionInstrumentation;
import java.util.Arrays;
import java.util.List;

/**
 * Every client family the agent instruments: adding a client adds its package under
 * {@code io.tokenagent.instrumentation}, its line in {@link #all} and its case in {@link #create}. Kept with the
 * wiring, not beside the instrumentations' shared classes, so that the client packages depend on those and nothing
 * depends back on them. A plain list rather than a {@code ServiceLoader}, which would scan the application's whole
 * class path at every start.
 *
 * <p>A family is declared here by its name, relocatable root and target classes (the instrumentations' own
 * constants, which the compiler copies here: naming them loads nothing), and its instrumentation class is loaded
 * when the first target class loads. {@code HttpURLConnection}'s is created at once: the agent's own token calls
 * load that class in every run.
 */
public final class Instrumentations implements LazyInstrumentation.Factory {

    private static final Instrumentations FACTORY = new Instrumentations();
    private static final String APACHE_4 = "org/apache/http/";
    private static final String APACHE_5 = "org/apache/hc/"; // client5 and core5 move together

    private Instrumentations() {
    }

    public static List<ClientInstrumentation> all() {
        return Arrays.<ClientInstrumentation>asList(
                new UrlConnectionInstrumentation(),
                lazy("java-http-client", null, // the JDK's own
                        JdkHttpClientInstrumentation.MULTI_EXCHANGE, JdkHttpClientInstrumentation.CLIENT_IMPL),
                lazy("apache-httpclient-4", APACHE_4, ApacheClassicInstrumentation.TARGET),
                lazy("apache-httpclient-4-director", APACHE_4, ApacheDirectorInstrumentation.TARGET),
                lazy("apache-httpasyncclient-4", APACHE_4, ApacheAsync4Instrumentation.CLIENT,
                        ApacheAsync4Instrumentation.EXEC, ApacheAsync4Instrumentation.HANDLER),
                lazy("apache-httpclient-5-classic", APACHE_5, ApacheClassic5Instrumentation.TARGET,
                        ApacheClassic5Instrumentation.CONNECT),
                lazy("apache-httpclient-5-async", APACHE_5, ApacheAsync5Instrumentation.HTTP1_EXEC,
                        ApacheAsync5Instrumentation.H2_EXEC),
                lazy("okhttp", "okhttp3/", OkHttpInstrumentation.CALL_3, OkHttpInstrumentation.CALL_4),
                lazy("netty-http", "io/netty/", NettyHttpInstrumentation.TARGET,
                        NettyHttpInstrumentation.RESPONSE_TARGET),
                lazy("netty-http2", "io/netty/", NettyHttp2Instrumentation.TARGET),
                // its hook finds the client's classes by name (reflection across 9.4 to 12): not renamed
                lazy("jetty-client", null, JettyInstrumentation.JETTY_9_TO_11, JettyInstrumentation.JETTY_12),
                lazy("commons-httpclient-3", "org/apache/commons/httpclient/",
                        CommonsHttpClientInstrumentation.TARGET));
    }

    private static ClientInstrumentation lazy(String name, String relocatableRoot, String... targets) {
        return new LazyInstrumentation(name, relocatableRoot, FACTORY, targets);
    }

    @Override
    public ClassRewrite create(String family) {
        switch (family) {
            case "java-http-client": return new JdkHttpClientInstrumentation();
            case "apache-httpclient-4": return new ApacheClassicInstrumentation();
            case "apache-httpclient-4-director": return new ApacheDirectorInstrumentation();
            case "apache-httpasyncclient-4": return new ApacheAsync4Instrumentation();
            case "apache-httpclient-5-classic": return new ApacheClassic5Instrumentation();
            case "apache-httpclient-5-async": return new ApacheAsync5Instrumentation();
            case "okhttp": return new OkHttpInstrumentation();
            case "netty-http": return new NettyHttpInstrumentation();
            case "netty-http2": return new NettyHttp2Instrumentation();
            case "jetty-client": return new JettyInstrumentation();
            case "commons-httpclient-3": return new CommonsHttpClientInstrumentation();
            default: throw new IllegalArgumentException("no client family " + family);
        }
    }
}
