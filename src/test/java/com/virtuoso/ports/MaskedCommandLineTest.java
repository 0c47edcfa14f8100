package com.virtuoso.ports;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class MaskedCommandLineTest {

    private static final String GITHUB_APP_TOKEN = "ghs_" + "abcdefghijklmnopqrstuvwxyz0123456789";

    private static final String GITHUB_PAT = "ghp_" + "0123456789abcdefghijABCDEFGHIJ012345";

    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
            + "dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    /** Real-world command lines: what must stay readable and the secrets that must not show. */
    static Stream<Arguments> commandLines() {
        return Stream.of(
                row("mysql with an attached password",
                        List.of("mysql", "-h", "db.internal", "-P", "3306", "-u", "root", "-pS3cr3t!", "shop"),
                        List.of("mysql -h db.internal -P 3306 -u root -p**** shop"), List.of("S3cr3t!")),
                row("mysqldump with --password=",
                        List.of("/usr/bin/mysqldump", "--user=backup", "--password=Dump-2024", "--single-transaction",
                                "shop"),
                        List.of("/usr/bin/mysqldump --user=backup --password=**** --single-transaction shop"),
                        List.of("Dump-2024")),
                row("mysql inside sh -c",
                        List.of("bash", "-c", "mysql -uroot -pInner-pw shop < dump.sql"),
                        List.of("bash -c mysql -uroot -p**** shop < dump.sql"), List.of("Inner-pw")),
                row("redis-server with --requirepass and --masterauth",
                        List.of("redis-server", "--port", "6379", "--requirepass", "r3dis-pw", "--masterauth",
                                "m4ster-pw"),
                        List.of("redis-server --port 6379 --requirepass **** --masterauth ****"),
                        List.of("r3dis-pw", "m4ster-pw")),
                row("redis-cli -a",
                        List.of("redis-cli", "-h", "cache.local", "-p", "6380", "-a", "cli-secret", "PING"),
                        List.of("redis-cli -h cache.local -p 6380 -a **** PING"), List.of("cli-secret")),
                row("redis-cli CONFIG SET requirepass",
                        List.of("redis-cli", "CONFIG", "SET", "requirepass", "new-r3dis"),
                        List.of("redis-cli CONFIG SET requirepass ****"), List.of("new-r3dis")),
                row("redis URL with user-info",
                        List.of("redis-cli", "-u", "redis://default:url-pw@cache.local:6379/0"),
                        List.of("redis-cli -u redis://****@cache.local:6379/0"), List.of("url-pw", "default")),
                row("psql with a connection URI",
                        List.of("psql", "postgresql://app:pg-Secret@db.local:5432/shop?sslmode=require"),
                        List.of("psql postgresql://****@db.local:5432/shop?sslmode=****"),
                        List.of("pg-Secret", "app:")),
                row("PGPASSWORD through env",
                        List.of("env", "PGPASSWORD=pgpw123", "PGHOST=db.local", "pg_dump", "-p", "5432", "shop"),
                        List.of("env PGPASSWORD=**** PGHOST=db.local pg_dump -p 5432 shop"), List.of("pgpw123")),
                row("postgres server without secrets",
                        List.of("/usr/lib/postgresql/16/bin/postgres", "-D", "/var/lib/postgresql/16/main", "-c",
                                "config_file=/etc/postgresql/16/main/postgresql.conf"),
                        List.of("/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main -c "
                                + "config_file=/etc/postgresql/16/main/postgresql.conf"),
                        List.of()),
                row("mongosh with a replica set URI",
                        List.of("mongosh",
                                "mongodb://admin:m0ngo@mongo1:27017,mongo2:27017/admin"
                                        + "?replicaSet=rs0&authSource=admin"),
                        List.of("mongosh mongodb://****@mongo1:27017,mongo2:27017/admin?replicaSet=****"),
                        List.of("m0ngo")),
                row("mongo -p",
                        List.of("mongo", "-u", "admin", "-p", "mongo-pw", "--host", "mongo1"),
                        List.of("mongo -u admin -p **** --host mongo1"), List.of("mongo-pw")),
                row("mongod --auth is a flag",
                        List.of("mongod", "--auth", "--port", "27017", "--bind_ip_all"),
                        List.of("mongod --auth --port 27017 --bind_ip_all"), List.of()),
                row("JVM with -D secrets",
                        List.of("java", "-Xmx512m", "-Dspring.datasource.password=jdbcPw1",
                                "-Djavax.net.ssl.trustStorePassword=changeit", "-jar", "/opt/app/app.jar",
                                "--server.port=8443"),
                        List.of("java -Xmx512m -Dspring.datasource.password=****",
                                "-jar /opt/app/app.jar --server.port=8443"),
                        List.of("jdbcPw1", "changeit")),
                row("Kafka with a keystore password",
                        List.of("java", "-Dssl.keystore.password=kafka-ks", "-cp", "/opt/kafka/libs/*", "kafka.Kafka",
                                "/etc/kafka/server.properties"),
                        List.of("java -Dssl.keystore.password=**** -cp /opt/kafka/libs/* kafka.Kafka "
                                + "/etc/kafka/server.properties"),
                        List.of("kafka-ks")),
                row("JDBC URL with query parameters",
                        List.of("java", "-jar", "app.jar",
                                "--spring.datasource.url=jdbc:postgresql://db:5432/shop?user=app&password=jdbcQ"),
                        List.of("java -jar app.jar --spring.datasource.url=jdbc:postgresql://db:5432/shop?user="),
                        List.of("jdbcQ")),
                row("SQL Server JDBC URL",
                        List.of("java", "-Ddb.url=jdbc:sqlserver://mssql:1433;databaseName=shop;user=sa;password=Ms!1",
                                "-jar", "legacy.jar"),
                        List.of("java -Ddb.url=jdbc:sqlserver://mssql:1433;databaseName=", "-jar legacy.jar"),
                        List.of("Ms!1")),
                row("Oracle thin JDBC URL",
                        List.of("java", "-Durl=jdbc:oracle:thin:scott/tiger@oradb:1521:ORCL", "-jar", "erp.jar"),
                        List.of("java -Durl=jdbc:oracle:thin:****@oradb:1521:ORCL -jar erp.jar"), List.of("tiger")),
                row("sqlplus user/password@database",
                        List.of("sqlplus", "-S", "system/Oracle_pw1@//oradb:1521/XEPDB1", "@/opt/scripts/health.sql"),
                        List.of("sqlplus -S system/****@//oradb:1521/XEPDB1 @/opt/scripts/health.sql"),
                        List.of("Oracle_pw1")),
                row("expdp with userid= and an encryption password",
                        List.of("expdp", "userid=system/Exp-pw1@ORCL", "directory=DUMP_DIR", "dumpfile=full.dmp",
                                "ENCRYPTION_PASSWORD=enc-pw"),
                        List.of("expdp userid=system/****@ORCL directory=DUMP_DIR dumpfile=full.dmp "
                                + "ENCRYPTION_PASSWORD=****"),
                        List.of("Exp-pw1", "enc-pw")),
                row("sqlcmd -P",
                        List.of("/opt/mssql-tools18/bin/sqlcmd", "-S", "localhost,1433", "-U", "sa", "-P", "Sql-Pw-9",
                                "-Q", "SELECT 1"),
                        List.of("/opt/mssql-tools18/bin/sqlcmd -S localhost,1433 -U sa -P **** -Q SELECT 1"),
                        List.of("Sql-Pw-9")),
                row("curl -u user:password",
                        List.of("curl", "-u", "alice:curl-pw", "https://api.example.com/v1/items"),
                        List.of("curl -u alice:**** https://api.example.com/v1/items"), List.of("curl-pw")),
                row("curl --user and --proxy-user",
                        List.of("curl", "--user=deploy:tok3n-pw", "--proxy-user", "proxy:pr0xy",
                                "https://repo.example.com"),
                        List.of("curl --user=deploy:**** --proxy-user proxy:**** https://repo.example.com"),
                        List.of("tok3n-pw", "pr0xy")),
                row("curl with a bearer header",
                        List.of("curl", "-sS", "-H", "Authorization: Bearer abc.def-token", "-H",
                                "Accept: application/json", "https://api.example.com/v1/me"),
                        List.of("curl -sS -H Authorization: ****", "-H Accept: application/json "
                                + "https://api.example.com/v1/me"),
                        List.of("abc.def-token", "Bearer abc")),
                row("curl with cookies",
                        List.of("curl", "-H", "Cookie: session=s3ss10n; theme=dark", "-b", "sid=cookiepw",
                                "http://localhost:18080/"),
                        List.of("curl -H Cookie: ****", "-b **** http://localhost:18080/"),
                        List.of("s3ss10n", "cookiepw", "theme=dark")),
                row("wget --password",
                        List.of("wget", "--user=ci", "--password=wgetpw", "https://repo.example.com/a.tar.gz"),
                        List.of("wget --user=ci --password=**** https://repo.example.com/a.tar.gz"),
                        List.of("wgetpw")),
                row("git clone with a token in the URL",
                        List.of("git", "clone",
                                "https://x-access-token:" + GITHUB_APP_TOKEN + "@github.com/org/repo.git"),
                        List.of("git clone https://****@github.com/org/repo.git"),
                        List.of(GITHUB_APP_TOKEN, "x-access-token")),
                row("git with an extra header",
                        List.of("git", "-c", "http.extraHeader=Authorization: Basic dXNlcjpwYXNz", "fetch", "origin"),
                        List.of("git -c http.extraHeader=Authorization: ****", "fetch origin"),
                        List.of("dXNlcjpwYXNz")),
                row("docker run with a GitHub token and a port",
                        List.of("docker", "run", "-e", "GH=" + GITHUB_PAT, "-p", "8080:80", "nginx:1.27"),
                        List.of("docker run -e GH=**** -p 8080:80 nginx:1.27"), List.of(GITHUB_PAT)),
                row("docker login --password",
                        List.of("docker", "login", "-u", "ci", "--password", "dckr_pat_abc123", "registry.example.com"),
                        List.of("docker login -u ci --password **** registry.example.com"),
                        List.of("dckr_pat_abc123")),
                row("terraform with a fine-grained GitHub token",
                        List.of("terraform", "apply", "-var", "gh=github_pat_11ABCDEFG0123456789_abcdefghijklmnopq"),
                        List.of("terraform apply -var gh=****"), List.of("github_pat_", "11ABCDEFG")),
                row("AWS CLI with keys in the environment",
                        List.of("env", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
                                "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws", "s3", "ls",
                                "s3://bucket"),
                        List.of("aws s3 ls s3://bucket"), List.of("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI")),
                row("aws configure set",
                        List.of("aws", "configure", "set", "aws_access_key_id", "ASIAIOSFODNN7EXAMPL2", "--profile",
                                "ci"),
                        List.of("aws configure set aws_access_key_id **** --profile ci"),
                        List.of("ASIAIOSFODNN7EXAMPL2")),
                row("kubectl --token",
                        List.of("kubectl", "--server=https://k8s.example.com:6443", "--token", "k8s-bearer",
                                "port-forward", "svc/web", "8080:80"),
                        List.of("kubectl --server=https://k8s.example.com:6443 --token **** port-forward svc/web "
                                + "8080:80"),
                        List.of("k8s-bearer")),
                row("az login -p",
                        List.of("az", "login", "--service-principal", "-u", "http://app", "-p", "az-sp-pw", "--tenant",
                                "contoso.onmicrosoft.com"),
                        List.of("az login --service-principal -u http://app -p **** --tenant contoso.onmicrosoft.com"),
                        List.of("az-sp-pw")),
                row("vault login with key=value",
                        List.of("vault", "login", "-method=userpass", "username=ops", "password=vault-pw"),
                        List.of("vault login -method=userpass username=ops password=****"), List.of("vault-pw")),
                row("keytool store and key passwords",
                        List.of("keytool", "-importkeystore", "-srckeystore", "in.p12", "-srcstorepass", "src-pw",
                                "-deststorepass", "dst-pw", "-keypass", "key-pw"),
                        List.of("keytool -importkeystore", "-srcstorepass **** -deststorepass **** -keypass ****"),
                        List.of("src-pw", "dst-pw", "key-pw")),
                row("openssl -passin pass:",
                        List.of("openssl", "pkcs12", "-export", "-in", "cert.pem", "-passin", "pass:ossl-in", "-out",
                                "bundle.p12"),
                        List.of("openssl pkcs12 -export -in cert.pem -passin **** -out bundle.p12"),
                        List.of("ossl-in")),
                row("sshpass then ssh, whose -p is a port",
                        List.of("sshpass", "-p", "ssh-pw-1", "ssh", "-p", "2222", "deploy@build.local"),
                        List.of("sshpass -p **** ssh -p 2222 deploy@build.local"), List.of("ssh-pw-1")),
                row("sshpass with an attached password then scp",
                        List.of("sshpass", "-pAttached1", "scp", "-P", "2222", "a.txt", "host:/tmp"),
                        List.of("sshpass -p**** scp -P 2222 a.txt host:/tmp"), List.of("Attached1")),
                row("ssh tunnel without secrets",
                        List.of("ssh", "-i", "/home/ci/.ssh/id_ed25519", "-N", "-L", "5432:db:5432",
                                "bastion.example.com"),
                        List.of("ssh -i /home/ci/.ssh/id_ed25519 -N -L 5432:db:5432 bastion.example.com"), List.of()),
                row("ldapsearch -w",
                        List.of("ldapsearch", "-x", "-H", "ldap://ldap.example.com", "-D", "cn=admin,dc=example,dc=com",
                                "-w", "ldap-pw", "-b", "dc=example,dc=com"),
                        List.of("ldapsearch -x -H ldap://ldap.example.com -D cn=admin,dc=example,dc=com -w **** "
                                + "-b dc=example,dc=com"),
                        List.of("ldap-pw")),
                row("7z with an attached password",
                        List.of("7z", "x", "-pArch1ve", "backup.7z", "-o/tmp/restore"),
                        List.of("7z x -p**** backup.7z -o/tmp/restore"), List.of("Arch1ve")),
                row("Erlang cookie of RabbitMQ",
                        List.of("/usr/lib/erlang/erts-14.2/bin/beam.smp", "-setcookie", "ERLANGCOOKIE", "-sname",
                                "rabbit"),
                        List.of("/usr/lib/erlang/erts-14.2/bin/beam.smp -setcookie **** -sname rabbit"),
                        List.of("ERLANGCOOKIE")),
                row("MinIO with its root password in the environment",
                        List.of("env", "MINIO_ROOT_USER=admin", "MINIO_ROOT_PASSWORD=minio-pw", "minio", "server",
                                "/data", "--address", ":9000"),
                        List.of("env MINIO_ROOT_USER=admin MINIO_ROOT_PASSWORD=**** minio server /data --address "
                                + ":9000"),
                        List.of("minio-pw")),
                row("Slack webhook",
                        List.of("curl", "-X", "POST", "-d", "{\"text\":\"deploy done\"}",
                                "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"),
                        List.of("curl -X POST -d {\"text\":\"deploy done\"} https://hooks.slack.com/services/****"),
                        List.of("T00000000", "B00000000", "XXXXXXXXXXXXXXXXXXXXXXXX")),
                row("Discord webhook",
                        List.of("python3", "notify.py", "--webhook",
                                "https://discordapp.com/api/webhooks/123456789012345678/AbCdEf-hook_value"),
                        List.of("python3 notify.py --webhook https://discordapp.com/api/webhooks/****"),
                        List.of("123456789012345678", "AbCdEf-hook_value")),
                row("Slack bot token as an argument",
                        List.of("slack-notify", "--channel", "#ops", "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp"),
                        List.of("slack-notify --channel #ops ****"), List.of("xoxb-", "AbCdEfGhIjKlMnOp")),
                row("grpcurl with a JWT",
                        List.of("grpcurl", "-H", "authorization: bearer " + JWT, "-plaintext", "localhost:9090",
                                "list"),
                        List.of("grpcurl -H authorization: ****", "-plaintext localhost:9090 list"),
                        List.of("eyJhbGciOiJIUzI1NiJ9", "dBjftJeZ4CVPmB92K27uhbUJU1p1r")),
                row("JWT as a bare argument",
                        List.of("java", "-jar", "client.jar", JWT, "--port", "9000"),
                        List.of("java -jar client.jar **** --port 9000"), List.of("eyJhbGciOiJIUzI1NiJ9")),
                row("mount with a password among its options",
                        List.of("mount", "-o", "username=bob,password=hunter2", "//srv/share", "/mnt"),
                        List.of("mount -o username=bob,password=**** //srv/share /mnt"), List.of("hunter2")),
                row("curl with a form-encoded client secret",
                        List.of("curl", "-d", "grant_type=client_credentials&client_secret=s3cr3t",
                                "https://idp/token"),
                        List.of("curl -d grant_type=client_credentials&client_secret=**** https://idp/token"),
                        List.of("s3cr3t")),
                row("curl with a JSON password",
                        List.of("curl", "-d", "{\"password\":\"x-json-pw\"}", "https://h"),
                        List.of("curl -d {\"password\":\"****\"} https://h"), List.of("x-json-pw")),
                row("az with a storage connection string",
                        List.of("az", "storage", "blob", "list", "--connection-string",
                                "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Zm9vYmFy=="),
                        List.of("az storage blob list --connection-string "
                                + "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=****"),
                        List.of("Zm9vYmFy")),
                row("sqlcmd with an ADO.NET connection string as one argument",
                        List.of("sqlcmd", "-C", "Server=db;User Id=sa;Password=ado-pw;"),
                        List.of("sqlcmd -C Server=db;User Id=sa;Password=****;"), List.of("ado-pw")),
                row("helm --set with a password among the values",
                        List.of("helm", "upgrade", "x", "--set", "image.tag=1,db.auth.password=helm-pw"),
                        List.of("helm upgrade x --set image.tag=1,db.auth.password=****"), List.of("helm-pw")),
                row("Spring Boot JSON with a password",
                        List.of("java", "-Dspring.application.json={\"spring.datasource.password\":\"sbj-pw\"}", "-jar",
                                "app.jar"),
                        List.of("java -Dspring.application.json={\"spring.datasource.password\":\"****\"} "
                                + "-jar app.jar"),
                        List.of("sbj-pw")),
                row("Java agent options with a key",
                        List.of("java", "-javaagent:/opt/a.jar=apikey=agent-key", "-jar", "app.jar"),
                        List.of("java -javaagent:/opt/a.jar=apikey=**** -jar app.jar"), List.of("agent-key")),
                row("docker login -p",
                        List.of("docker", "login", "-u", "ci", "-p", "s3cr3t-dl", "registry.example"),
                        List.of("docker login -u ci -p **** registry.example"), List.of("s3cr3t-dl")),
                row("docker login --password alone",
                        List.of("docker", "login", "--password", "s3cr3t-dl2"),
                        List.of("docker login --password ****"), List.of("s3cr3t-dl2")),
                row("openssl enc -k",
                        List.of("openssl", "enc", "-aes256", "-k", "enc-s3cr3t", "-in", "f"),
                        List.of("openssl enc -aes256 -k **** -in f"), List.of("enc-s3cr3t")),
                row("ldapsearch with an attached -w",
                        List.of("ldapsearch", "-wS3cret-ldap", "-D", "cn=admin"),
                        List.of("ldapsearch -w**** -D cn=admin"), List.of("S3cret-ldap")),
                row("sqlcmd with an attached -P",
                        List.of("sqlcmd", "-S", "db", "-PS3cret-sql"),
                        List.of("sqlcmd -S db -P****"), List.of("S3cret-sql")),
                row("zip with an attached -P",
                        List.of("zip", "-PS3cret-zip", "out.zip", "a.txt"),
                        List.of("zip -P**** out.zip a.txt"), List.of("S3cret-zip")),
                row("rabbitmqctl add_user",
                        List.of("rabbitmqctl", "add_user", "admin", "S3cret-rmq"),
                        List.of("rabbitmqctl add_user admin ****"), List.of("S3cret-rmq")),
                row("rabbitmqctl change_password",
                        List.of("rabbitmqctl", "change_password", "admin", "S3cret-rmq2"),
                        List.of("rabbitmqctl change_password admin ****"), List.of("S3cret-rmq2")),
                row("htpasswd -b",
                        List.of("htpasswd", "-b", "file", "user", "S3cret-ht"),
                        List.of("htpasswd -b file ****"), List.of("S3cret-ht")),
                row("redis URL with a base64 password holding a slash",
                        List.of("redis-cli", "-u", "redis://default:ab/cd@host:6379"),
                        List.of("redis-cli -u redis://****@host:6379"), List.of("ab/cd", "cd@")),
                row("redis-server --requirepass with a password that starts with a dash",
                        List.of("redis-server", "--requirepass", "-Zx9", "--port", "6379"),
                        List.of("redis-server --requirepass **** --port 6379"), List.of("Zx9")),
                row("Virtuoso's own Teams webhook",
                        List.of("java", "-jar", "virtuoso.jar", "--web_server.alerts.webhooks[0].url="
                                + "https://x.webhook.office.com/webhookb2/abc@def/IncomingWebhook/TEAMSTOKEN/xyz"),
                        List.of("--web_server.alerts.webhooks[0].url=https://x.webhook.office.com/webhookb2/****"),
                        List.of("abc@def", "TEAMSTOKEN", "xyz")),
                row("webhook host",
                        List.of("notify", "https://hooks.example.com/services/T1/B2/HOOKSECRET"),
                        List.of("notify https://hooks.example.com/services/****"), List.of("B2", "HOOKSECRET")),
                row("webhook path",
                        List.of("notify", "https://example.com/api/webhooks/1/PATHTOKEN"),
                        List.of("notify https://example.com/api/webhooks/****"), List.of("PATHTOKEN")),
                row("nginx rewrites its command line",
                        List.of("nginx: master process /usr/sbin/nginx -g daemon off;"),
                        List.of("nginx: master process /usr/sbin/nginx -g daemon off;"), List.of()),
                row("python http.server",
                        List.of("python3", "-m", "http.server", "8000", "--bind", "127.0.0.1"),
                        List.of("python3 -m http.server 8000 --bind 127.0.0.1"), List.of()),
                row("node with --inspect",
                        List.of("node", "--inspect=0.0.0.0:9229", "server.js", "--port=13000"),
                        List.of("node --inspect=0.0.0.0:9229 server.js --port=13000"), List.of()));
    }

    private static Arguments row(String name, List<String> arguments, List<String> kept, List<String> hidden) {
        return argumentSet(name, arguments, kept, hidden);
    }

    @ParameterizedTest
    @MethodSource("commandLines")
    void masksArgumentLists(List<String> arguments, List<String> kept, List<String> hidden) {
        String masked = MaskedCommandLine.of(arguments);
        assertThat(masked).startsWith(arguments.get(0).split(" ")[0]);
        assertThat(masked).contains(kept);
        hidden.forEach((secret) -> assertThat(masked).doesNotContain(secret));
        assertThat(MaskedCommandLine.ofText(masked)).as("masked again").isEqualTo(masked);
    }

    @ParameterizedTest
    @MethodSource("commandLines")
    void masksJoinedTextAsAnOlderHistoryHoldsIt(List<String> arguments, List<String> kept, List<String> hidden) {
        String masked = MaskedCommandLine.ofText(String.join(" ", arguments));
        assertThat(masked).startsWith(arguments.get(0).split(" ")[0]);
        hidden.forEach((secret) -> assertThat(masked).doesNotContain(secret));
        assertThat(MaskedCommandLine.ofText(masked)).as("masked again").isEqualTo(masked);
    }

    @ParameterizedTest
    @MethodSource("commandLines")
    void cappingAtAnyLengthStaysMaskedAndIdempotent(List<String> arguments, List<String> kept, List<String> hidden) {
        String text = String.join(" ", arguments);
        for (int limit = 16; limit <= text.length() + 8; limit++) {
            String masked = MaskedCommandLine.of(arguments, limit);
            String maskedText = MaskedCommandLine.ofText(text, limit);
            assertThat(masked).hasSizeLessThanOrEqualTo(limit);
            assertThat(maskedText).hasSizeLessThanOrEqualTo(limit);
            assertThat(MaskedCommandLine.ofText(masked, limit)).as("argument list capped at %d", limit)
                .isEqualTo(masked);
            assertThat(MaskedCommandLine.ofText(maskedText, limit)).as("text capped at %d", limit)
                .isEqualTo(maskedText);
            hidden.forEach((secret) -> assertThat(masked).doesNotContain(secret));
        }
    }

    @Test
    void aLongJavaCommandKeepsItsProgramAndItsMainClass() {
        List<String> arguments = new ArrayList<>(List.of("/usr/lib/jvm/java-17/bin/java", "-Xmx1g",
                "-Dspring.datasource.password=first-secret", "-cp"));
        arguments.add(IntStream.range(0, 200).mapToObj((i) -> "/home/ci/.m2/repository/lib" + i + ".jar")
            .collect(Collectors.joining(":")));
        arguments.addAll(List.of("com.example.Main", "--api-token", "second-secret", "--server.port=18080"));
        String masked = MaskedCommandLine.of(arguments);
        assertThat(masked).hasSizeLessThanOrEqualTo(MaskedCommandLine.LIMIT)
            .startsWith("/usr/lib/jvm/java-17/bin/java -Xmx1g -Dspring.datasource.password=**** -cp /home/ci/")
            .contains(" " + MaskedCommandLine.CUT + " ")
            .endsWith(" com.example.Main --api-token **** --server.port=18080")
            .doesNotContain("first-secret", "second-secret");
        assertThat(MaskedCommandLine.ofText(masked)).isEqualTo(masked);
        assertThat(MaskedCommandLine.ofText(String.join(" ", arguments))).isEqualTo(masked);
    }

    @Test
    void aCutNeverSplitsAMask() {
        String text = "app --password secret-value " + "x".repeat(600);
        for (int limit = 16; limit < 40; limit++) {
            String masked = MaskedCommandLine.ofText(text, limit);
            assertThat(masked).doesNotContainPattern("(?<!\\*)\\*{1,3}(?!\\*)").doesNotContain("secret-value");
            assertThat(MaskedCommandLine.ofText(masked, limit)).isEqualTo(masked);
        }
    }

    @Test
    void aShortCommandLineIsNotCut() {
        String text = "x".repeat(MaskedCommandLine.LIMIT);
        assertThat(MaskedCommandLine.ofText(text)).isEqualTo(text);
        assertThat(MaskedCommandLine.ofText(text + "y")).hasSizeLessThanOrEqualTo(MaskedCommandLine.LIMIT)
            .startsWith("xxx").endsWith(" " + MaskedCommandLine.CUT);
    }

    @Test
    void escapesControlCharactersSoNoLineOrTerminalCanBeForged() {
        String masked = MaskedCommandLine.of(List.of("evil", "line1\n2026-11-27 INFO forged\r", "\u001b[2J\u001b[H",
                "tab\there", "bell\u0007", "del\u007f", "csi\u009b31m", "rtl\u202eexe"));
        assertThat(masked).isEqualTo("evil line1\\n2026-11-27 INFO forged\\r \\x1b[2J\\x1b[H tab\\there bell\\x07 "
                + "del\\x7f csi\\x9b31m rtl\\u202eexe");
        assertThat(masked.chars()).noneMatch((c) -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
        assertThat(MaskedCommandLine.ofText(masked)).isEqualTo(masked);
    }

    @Test
    void aSecretWithAControlCharacterIsStillMasked() {
        assertThat(MaskedCommandLine.of(List.of("app", "--password=two\nlines", "--token", "tab\tbed")))
            .isEqualTo("app --password=**** --token ****");
    }

    @Test
    void masksValuesOfSecretLookingArguments() {
        String masked = MaskedCommandLine.of(List.of("java", "-Dspring.datasource.password=hunter2", "-jar", "app.jar",
                "--api-key", "abc123", "--token=xyz", "--port=9123", "SECRET_KEY=s3cr3t"));
        assertThat(masked).isEqualTo("java -Dspring.datasource.password=**** -jar app.jar --api-key **** "
                + "--token=**** --port=9123 SECRET_KEY=****");
        assertThat(masked).doesNotContain("hunter2", "abc123", "xyz", "s3cr3t");
    }

    @Test
    void leavesOrdinaryCommandLinesAlone() {
        assertThat(MaskedCommandLine.of(List.of("python3", "-m", "http.server", "9123")))
            .isEqualTo("python3 -m http.server 9123");
    }

    @Test
    void anAttemptMasksTheHolderCommandInItsDetailByTheHoldersProgram() {
        PortAttempt attempt = new PortAttempt(8000, BindOutcome.IN_USE, null, null,
                "in use by PID 4242 (mysql -uroot -pHunter2) and 2 more");
        assertThat(attempt.detail()).isEqualTo("in use by PID 4242 (mysql -uroot -p****) and 2 more");
        assertThat(new PortAttempt(8000, BindOutcome.IN_USE, null, null, attempt.detail())).isEqualTo(attempt);
        assertThat(new PortAttempt(8000, BindOutcome.IN_USE, null, null, "in use by an unknown process (ss\u001b[2J)")
            .detail()).isEqualTo("in use by an unknown process (ss\\x1b[2J)");
    }

    @Test
    void aHolderMasksItsCommandWhateverItsSource() {
        PortHolder holder = new PortHolder(42, "alice", null, "redis-server --port 6379 --requirepass hunter2");
        assertThat(holder.command()).isEqualTo("redis-server --port 6379 --requirepass ****");
        assertThat(new PortHolder(42, "alice", null, holder.command())).isEqualTo(holder);
    }

}
