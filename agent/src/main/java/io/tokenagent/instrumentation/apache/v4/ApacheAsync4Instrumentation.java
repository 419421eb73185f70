package io.tokenagent.instrumentation.apache.v4;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClassRewrite;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.instrumentation.MethodEntryCall;
import io.tokenagent.instrumentation.MethodRewrite;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Apache HttpAsyncClient 4.1. Three rewrites: {@code InternalHttpAsyncClient.execute(producer, consumer, context,
 * callback)}, which every request goes through once, may return the hook's future while the token is fetched;
 * {@code DefaultClientExchangeHandlerImpl.responseCompleted} starts the next hop (a redirect, an authentication
 * retry) through the hook, which holds it back until that hop's token is at hand; and each request
 * {@code MainClientExec.generateRequest} hands the I/O reactor (first attempt and each hop) passes through the hook
 * on its way out. See {@link ApacheAsync4Hook}.
 */
public final class ApacheAsync4Instrumentation implements ClassRewrite {

    public static final String CLIENT = "org/apache/http/impl/nio/client/InternalHttpAsyncClient";
    public static final String EXEC = "org/apache/http/impl/nio/client/MainClientExec";
    public static final String HANDLER = "org/apache/http/impl/nio/client/DefaultClientExchangeHandlerImpl";
    private static final String ABSTRACT_HANDLER = "org/apache/http/impl/nio/client/AbstractClientExchangeHandler";
    private static final String CONNECTION = "org/apache/http/nio/NHttpClientConnection";
    private static final String CURRENT_REQUEST = "()Lorg/apache/http/client/methods/HttpRequestWrapper;";
    private static final String ROUTE = "()Lorg/apache/http/conn/routing/HttpRoute;";
    private static final String EXECUTE = "(Lorg/apache/http/nio/protocol/HttpAsyncRequestProducer;"
            + "Lorg/apache/http/nio/protocol/HttpAsyncResponseConsumer;Lorg/apache/http/protocol/HttpContext;"
            + "Lorg/apache/http/concurrent/FutureCallback;)Ljava/util/concurrent/Future;";
    private static final String GENERATE = "(Lorg/apache/http/impl/nio/client/InternalState;"
            + "Lorg/apache/http/impl/nio/client/AbstractClientExchangeHandler;)Lorg/apache/http/HttpRequest;";
    private static final String HOOK = "io/tokenagent/instrumentation/apache/v4/ApacheAsync4Hook";
    private static final String STATE = "org/apache/http/impl/nio/client/InternalState";
    private static final String LOCAL_CONTEXT = "()Lorg/apache/http/client/protocol/HttpClientContext;";

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        if (loader == null || !fits(context, internalName, reader, loader)) {
            return null;
        }
        context.defineHook("io.tokenagent.instrumentation.apache.v4.ApacheClassicHook", loader, null);
        context.defineHook(HOOK.replace('/', '.'), loader, null);
        if (CLIENT.equals(internalName)) {
            return MethodEntryCall.insertReturningIfNonNull(reader, "execute", EXECUTE, HOOK, "deferred",
                    "(Lorg/apache/http/nio/client/HttpAsyncClient;" + EXECUTE.substring(1, EXECUTE.indexOf(')'))
                            + ")Ljava/util/concurrent/Future;", "java/util/concurrent/Future", 0, 1, 2, 3, 4);
        }
        return EXEC.equals(internalName) ? passReturnedRequestThroughHook(reader) : startNextHopThroughHook(reader);
    }

    /** Whether the class and the package-private members the rewrite calls are those of the 4.1 line. */
    private static boolean fits(InstrumentationContext context, String internalName, ClassReader reader,
            ClassLoader loader) throws Exception {
        if (CLIENT.equals(internalName)) {
            return ClassShape.of(reader).hasMethod("execute", EXECUTE);
        }
        if (EXEC.equals(internalName)) {
            ClassShape state = context.shapeOf(loader, STATE);
            return ClassShape.of(reader).hasMethod("generateRequest", GENERATE)
                    && state != null && state.hasMethod("getLocalContext", LOCAL_CONTEXT);
        }
        ClassShape handler = context.shapeOf(loader, ABSTRACT_HANDLER);
        return ClassShape.of(reader).hasMethod("responseCompleted", "()V") && handler != null
                && handler.hasMethod("getCurrentRequest", CURRENT_REQUEST) && handler.hasMethod("getRoute", ROUTE)
                && handler.hasMethod("requestConnection", "()V");
    }

    /**
     * In {@code responseCompleted}, {@code connection.requestOutput()} and {@code requestConnection()}, which send
     * the next hop, become {@code hook.nextHop(connection or null, this, getCurrentRequest(), getRoute())}.
     */
    private static byte[] startNextHopThroughHook(ClassReader reader) {
        return new MethodRewrite("responseCompleted", "()V") {
            @Override
            protected MethodVisitor rewrite(MethodVisitor body) {
                return new MethodVisitor(Opcodes.ASM9, body) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
                            boolean isInterface) {
                        boolean output = opcode == Opcodes.INVOKEINTERFACE && CONNECTION.equals(owner)
                                && "requestOutput".equals(name);
                        boolean connect = opcode == Opcodes.INVOKEVIRTUAL && "requestConnection".equals(name)
                                && "()V".equals(descriptor);
                        if (!output && !connect) {
                            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                            return;
                        }
                        if (connect) { // [this] becomes [null, this]
                            super.visitInsn(Opcodes.ACONST_NULL);
                            super.visitInsn(Opcodes.SWAP);
                        } else { // [connection] becomes [connection, this]
                            super.visitVarInsn(Opcodes.ALOAD, 0);
                        }
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, HANDLER, "getCurrentRequest", CURRENT_REQUEST,
                                false);
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, HANDLER, "getRoute", ROUTE, false);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "nextHop", "(L" + CONNECTION
                                + ";Lorg/apache/http/nio/protocol/HttpAsyncClientExchangeHandler;"
                                + "Lorg/apache/http/client/methods/HttpRequestWrapper;"
                                + "Lorg/apache/http/conn/routing/HttpRoute;)V", false);
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitMaxs(maxStack + 4, maxLocals);
                    }
                };
            }
        }.applyTo(reader);
    }

    /** Every {@code return request;} of {@code generateRequest} becomes {@code return hook.beforeSend(request);}. */
    private static byte[] passReturnedRequestThroughHook(ClassReader reader) {
        return new MethodRewrite("generateRequest", GENERATE) {
            @Override
            protected MethodVisitor rewrite(MethodVisitor body) {
                return new MethodVisitor(Opcodes.ASM9, body) {
                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode == Opcodes.ARETURN) {
                            // the request's context, which holds this hop's target (InternalState is not public)
                            super.visitVarInsn(Opcodes.ALOAD, 1);
                            super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, STATE, "getLocalContext", LOCAL_CONTEXT,
                                    false);
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "beforeSend", "(Lorg/apache/http/"
                                    + "HttpRequest;Lorg/apache/http/client/protocol/HttpClientContext;)"
                                    + "Lorg/apache/http/HttpRequest;", false);
                        }
                        super.visitInsn(opcode);
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitMaxs(maxStack + 2, maxLocals);
                    }
                };
            }
        }.applyTo(reader);
    }
}
