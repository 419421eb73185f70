package io.tokenagent.instrumentation.okhttp;

import io.tokenagent.instrumentation.ClassRewrite;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.instrumentation.MethodRewrite;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * OkHttp 3.12 to 5.x ({@code execute} and {@code enqueue}, and so Retrofit). Every call builds its interceptor
 * chain in {@code RealCall.getResponseWithInterceptorChain} from {@code client.interceptors()} and
 * {@code client.networkInterceptors()}; the rewrite passes each list through {@link OkHttpHook}, which adds the
 * agent's interceptor. Nothing the application holds is changed: its client's lists stay as they were. A version
 * whose method does not read both lists is left alone.
 */
public final class OkHttpInstrumentation implements ClassRewrite {

    /** {@code RealCall} of 3.x, and of 4.x and 5.x, which moved it. */
    public static final String CALL_3 = "okhttp3/RealCall";
    public static final String CALL_4 = "okhttp3/internal/connection/RealCall";
    /** 3.x names it plainly; Kotlin (4.x, 5.x) mangles the name of an internal function. */
    private static final String[] CHAIN_METHODS = {"getResponseWithInterceptorChain",
        "getResponseWithInterceptorChain$okhttp"};
    private static final String CLIENT = "okhttp3/OkHttpClient";
    private static final String LIST_GETTER = "()Ljava/util/List;";
    private static final String HOOK = "io/tokenagent/instrumentation/okhttp/OkHttpHook";
    private static final String LIST_HOOK = "(Ljava/util/List;)Ljava/util/List;";

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        if (loader == null) {
            return null;
        }
        ClassReader reader = new ClassReader(classfile);
        final int[] rewritten = new int[1];
        byte[] result = new MethodRewrite(null, "()Lokhttp3/Response;") {
            @Override
            protected boolean rewrites(String name, String descriptor) {
                return isChainMethod(name) && descriptor.equals("()Lokhttp3/Response;");
            }

            @Override
            protected MethodVisitor rewrite(MethodVisitor body) {
                return new MethodVisitor(Opcodes.ASM9, body) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc,
                            boolean isInterface) {
                        super.visitMethodInsn(opcode, owner, method, desc, isInterface);
                        if (opcode == Opcodes.INVOKEVIRTUAL && owner.equals(CLIENT) && desc.equals(LIST_GETTER)) {
                            if (method.equals("interceptors")) {
                                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "withFirst", LIST_HOOK, false);
                                rewritten[0] |= 1;
                            } else if (method.equals("networkInterceptors")) {
                                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "withEachHop", LIST_HOOK, false);
                                rewritten[0] |= 2;
                            }
                        }
                    }
                };
            }
        }.applyTo(reader);
        if (rewritten[0] != 3) {
            return null; // not the chain this instrumentation knows: leave the version alone
        }
        context.defineHook(HOOK.replace('/', '.'), loader, null);
        return result;
    }

    private static boolean isChainMethod(String name) {
        for (String method : CHAIN_METHODS) {
            if (method.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
