package io.tokenagent.agent;

import io.tokenagent.instrumentation.ClientInstrumentation;
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
 * {@code io.tokenagent.instrumentation} and one line here. Kept with the wiring, not beside the instrumentations'
 * shared classes, so that the client packages depend on those and nothing depends back on them. A plain list
 * rather than a {@code ServiceLoader}, which would scan the application's whole class path at every start.
 */
public final class Instrumentations {

    private Instrumentations() {
    }

    public static List<ClientInstrumentation> all() {
        return Arrays.<ClientInstrumentation>asList(
                new UrlConnectionInstrumentation(),
                new JdkHttpClientInstrumentation(),
                new ApacheClassicInstrumentation(),
                new ApacheDirectorInstrumentation(),
                new ApacheAsync4Instrumentation(),
                new ApacheClassic5Instrumentation(),
                new ApacheAsync5Instrumentation(),
                new OkHttpInstrumentation(),
                new NettyHttpInstrumentation(),
                new NettyHttp2Instrumentation(),
                new JettyInstrumentation(),
                new CommonsHttpClientInstrumentation());
    }
}
