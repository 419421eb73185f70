package io.tokenagent.instrumentation.apache.v4;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClassRewrite;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.instrumentation.MethodEntryCall;
import org.objectweb.asm.ClassReader;

/**
 * Apache HttpClient 4.0 to 4.5 through {@code AbstractHttpClient} ({@code DefaultHttpClient},
 * {@code SystemDefaultHttpClient}, {@code ContentEncodingHttpClient} and clients wrapping them): their
 * {@code execute} runs {@code DefaultRequestDirector}, never {@code MainClientExec}, so the two hooks never see the
 * same request. For each hop (the first request, each redirect, each authentication round) the director resets the
 * request wrapper's headers and then calls {@code rewriteRequestURI(wrapper, route)}, with the hop's target host in
 * the route: the hook adjusts the wrapper's headers there, outside the director's I/O retry loop, so that a token
 * failure is reported once rather than retried.
 */
public final class ApacheDirectorInstrumentation implements ClassRewrite {

    public static final String TARGET = "org/apache/http/impl/client/DefaultRequestDirector";
    private static final String REWRITE_URI = "(Lorg/apache/http/impl/client/RequestWrapper;"
            + "Lorg/apache/http/conn/routing/HttpRoute;)V";
    private static final String HOOK = "io/tokenagent/instrumentation/apache/v4/ApacheDirectorHook";
    /** Lends the hook its {@code Headers}. */
    private static final String CLASSIC_HOOK = "io.tokenagent.instrumentation.apache.v4.ApacheClassicHook";

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        if (loader == null || !ClassShape.of(reader).hasMethod("rewriteRequestURI", REWRITE_URI)) {
            return null;
        }
        context.defineHook(CLASSIC_HOOK, loader, null);
        context.defineHook(HOOK.replace('/', '.'), loader, null);
        // The hook takes the method's own two arguments.
        return MethodEntryCall.insert(reader, "rewriteRequestURI", REWRITE_URI, HOOK, "beforeHop", REWRITE_URI,
                1, 2);
    }
}
