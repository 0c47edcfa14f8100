package com.virtuoso.testing;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A key pair for 127.0.0.1 and localhost, made at test time by the JDK's keytool. */
public final class SelfSignedKeyStore {

    private SelfSignedKeyStore() {
    }

    /** A PKCS12 key store {@code server.p12} in {@code directory}, valid for a day, its password {@code password}. */
    public static Path create(Path directory, String password) throws Exception {
        Path keyStore = directory.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "1",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", password, "-keypass",
                password)
            .redirectErrorStream(true)
            .start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool did not finish within 60 s: " + output);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + output);
        }
        return keyStore;
    }

}
