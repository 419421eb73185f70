package io.tokenagent.instrumentation.apache.v4;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClientInstrumentation;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.instrumentation.MethodEntryCall;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Apache HttpAsyncClient 4.1. Two rewrites: {@code InternalHttpAsyncClient.execute(producer, consumer, context,
 * callback)}, which every request goes through once, may return the hook's future while the token is fetched; and
 * each request {@code MainClientExec.generateRequest} hands the I/O reactor (first attempt and each redirect hop)
 * passes through the hook on its way out. See {@link ApacheAsync4Hook}.
 */
public final class ApacheAsync4Instrumentation implements ClientInstrumentation {

    private static final String CLIENT = "org/apache/http/impl/nio/client/InternalHttpAsyncClient";
    private static final String EXEC = "org/apache/http/impl/nio/client/MainClientExec";
    private static final String EXECUTE = "(Lorg/apache/http/nio/protocol/HttpAsyncRequestProducer;"
            + "Lorg/apache/http/nio/protocol/HttpAsyncResponseConsumer;Lorg/apache/http/protocol/HttpContext;"
            + "Lorg/apache/http/concurrent/FutureCallback;)Ljava/util/concurrent/Future;";
    private static final String GENERATE = "(Lorg/apache/http/impl/nio/client/InternalState;"
            + "Lorg/apache/http/impl/nio/client/AbstractClientExchangeHandler;)Lorg/apache/http/HttpRequest;";
    private static final String HOOK = "io/tokenagent/instrumentation/apache/v4/ApacheAsync4Hook";
    private static final String STATE = "org/apache/http/impl/nio/client/InternalState";
    private static final String LOCAL_CONTEXT = "()Lorg/apache/http/client/protocol/HttpClientContext;";

    @Override
    public String name() {
        return "apache-httpasyncclient-4";
    }

    @Override
    public String[] targetClasses() {
        return new String[] {CLIENT, EXEC};
    }

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        boolean client = CLIENT.equals(internalName);
        if (loader == null || !ClassShape.of(reader).hasMethod(client ? "execute" : "generateRequest",
                client ? EXECUTE : GENERATE)) {
            return null;
        }
        if (!client) {
            ClassShape state = ClassShape.ofResource(loader, STATE);
            if (state == null || !state.hasMethod("getLocalContext", LOCAL_CONTEXT)) {
                return null;
            }
        }
        context.defineHook("io.tokenagent.instrumentation.apache.v4.ApacheClassicHook", loader, null);
        context.defineHook(HOOK.replace('/', '.'), loader, null);
        if (client) {
            return MethodEntryCall.insertReturningIfNonNull(reader, "execute", EXECUTE, HOOK, "deferred",
                    "(Lorg/apache/http/nio/client/HttpAsyncClient;" + EXECUTE.substring(1, EXECUTE.indexOf(')'))
                            + ")Ljava/util/concurrent/Future;", "java/util/concurrent/Future", 0, 1, 2, 3, 4);
        }
        return passReturnedRequestThroughHook(reader);
    }

    /** Every {@code return request;} of {@code generateRequest} becomes {@code return hook.beforeSend(request);}. */
    private static byte[] passReturnedRequestThroughHook(ClassReader reader) {
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if (!"generateRequest".equals(name) || !GENERATE.equals(descriptor)) {
                    return mv;
                }
                return new MethodVisitor(Opcodes.ASM9, mv) {
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
        }, 0);
        return writer.toByteArray();
    }
}
