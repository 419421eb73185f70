package io.tokenagent.bench;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * What an agent costs before it does any work of its own, for comparison: with {@code transformer}, a class-file
 * transformer that changes nothing (the JVM then shows it every class it loads, reading each from its runtime image);
 * with {@code rewrite}, one that also reads and writes {@code HttpURLConnection} with ASM as token-agent does (the
 * constant pool copied, its two instrumented methods through an adapter, the others copied) and changes nothing.
 * Started from a jar whose manifest puts it on the boot class path, as token-agent's does.
 */
public final class FloorAgent {

    private static final String HTTP_URL_CONNECTION = "sun/net/www/protocol/http/HttpURLConnection";

    private FloorAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        final boolean rewrite = "rewrite".equals(args);
        inst.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                    byte[] classfile) {
                return rewrite && HTTP_URL_CONNECTION.equals(name) ? unchanged(classfile) : null;
            }
        }, true);
    }

    private static byte[] unchanged(byte[] classfile) {
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
                return name.equals("writeRequests") || name.equals("getInputStream0")
                        ? new MethodVisitor(Opcodes.ASM9, method) { } : method;
            }
        }, 0);
        return writer.toByteArray();
    }
}
