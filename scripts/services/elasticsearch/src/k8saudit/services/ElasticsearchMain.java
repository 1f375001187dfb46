/*
 * Part of k8s-audit-pipeline's local service runner (scripts/services/), Apache-2.0.
 *
 * Starts a single-node Elasticsearch (server jar + transport-netty4 from Maven Central)
 * on loopback. Not a production launcher: no bootstrap checks, no entitlements agent,
 * no security, no x-pack. See scripts/services/README.md.
 *
 * Usage: java -cp classes:libs/* k8saudit.services.ElasticsearchMain HOME_DIR DATA_DIR HTTP_PORT TRANSPORT_PORT
 */
package k8saudit.services;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.EmbeddedNode;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

public final class ElasticsearchMain {

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ElasticsearchMain HOME_DIR DATA_DIR HTTP_PORT TRANSPORT_PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path data = Path.of(args[1]).toAbsolutePath();
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(home.resolve("logs"));
        Files.createDirectories(data);

        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", data.toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "k8s-audit-local")
            .put("node.name", "k8s-audit-local-1")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", args[2])
            .put("transport.port", args[3])
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("indices.breaker.total.use_real_memory", false)
            .put("action.auto_create_index", true)
            .put("logger.level", "INFO")
            .build();

        LogConfigurator.configureWithoutConfig(settings);

        Environment environment = new Environment(settings, home.resolve("config"));
        List<Class<? extends Plugin>> plugins = new ArrayList<>();
        plugins.add(Netty4Plugin.class);
        try {
            plugins.add(Class.forName("k8saudit.services.RootInfoPlugin").asSubclass(Plugin.class));
        } catch (ClassNotFoundException e) {
            System.out.println("k8saudit: RootInfoPlugin was not compiled for this Elasticsearch version; GET / and HEAD / are unavailable");
        }
        Node node = new EmbeddedNode(environment, plugins);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "k8saudit-es-shutdown"));

        node.start();
        System.out.println("k8saudit: elasticsearch node started on http://127.0.0.1:" + args[2]);
        stopped.await();
    }
}
