package io.starttls.it.support;

import java.io.File;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Jars of other agents, from test classes, to list before starttls-agent on a child's command line. */
public final class OtherAgents {
    private OtherAgents() {
    }

    public static File jar(String name, Class<?> premain, String... moreClasses) throws Exception {
        File file = new File(Children.runsDir(), name);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", premain.getName());
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        try (JarOutputStream jar = new JarOutputStream(new FileOutputStream(file), manifest)) {
            List<String> classes = new ArrayList<>(List.of(premain.getName()));
            classes.addAll(List.of(moreClasses));
            for (String c : classes) {
                String entry = c.replace('.', '/') + ".class";
                try (InputStream in = premain.getClassLoader().getResourceAsStream(entry)) {
                    jar.putNextEntry(new JarEntry(entry));
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        }
        return file;
    }
}
