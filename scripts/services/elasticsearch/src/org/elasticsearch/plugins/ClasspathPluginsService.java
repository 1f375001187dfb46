/*
 * Part of k8s-audit-pipeline's local service runner (scripts/services/), Apache-2.0.
 *
 * A PluginsService that holds plugins found on the JVM classpath instead of in a
 * plugins/ or modules/ folder. It lives in org.elasticsearch.plugins because the
 * LoadedPlugin record and PluginsService.loadPlugin are package-private.
 */
package org.elasticsearch.plugins;

import org.elasticsearch.Build;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

public class ClasspathPluginsService extends PluginsService {

    private final List<LoadedPlugin> classpathPlugins;

    public ClasspathPluginsService(Settings settings, Environment environment, Collection<Class<? extends Plugin>> pluginClasses) {
        // An empty loader: no module or plugin bundles on disk.
        super(settings, environment.configDir(), new PluginsLoader(Set.of(), Set.of(), Map.of()));
        List<LoadedPlugin> loaded = new ArrayList<>();
        for (Class<? extends Plugin> pluginClass : pluginClasses) {
            Plugin instance = loadPlugin(pluginClass, settings, environment.configDir());
            PluginDescriptor descriptor = descriptor(pluginClass);
            loaded.add(new LoadedPlugin(descriptor, instance, pluginClass.getClassLoader()));
        }
        this.classpathPlugins = List.copyOf(loaded);
    }

    /**
     * A descriptor for a classpath plugin. The constructor gained parameters across 9.x minors
     * (9.5 added a DeploymentTarget), so it is called reflectively: strings in declaration order
     * (name, description, version, elasticsearchVersion, javaVersion, classname, moduleName), an
     * empty list of extended plugins, false for every flag, ALL (or the first constant) for enums.
     */
    private static PluginDescriptor descriptor(Class<? extends Plugin> pluginClass) {
        String esVersion = Build.current().version();
        String[] strings = {
            pluginClass.getSimpleName(),
            "classpath plugin " + pluginClass.getName(),
            esVersion,
            esVersion,
            Integer.toString(Runtime.version().feature()),
            pluginClass.getName(),
            null };
        Constructor<?> constructor = Arrays.stream(PluginDescriptor.class.getConstructors())
            .max(Comparator.comparingInt(Constructor::getParameterCount))
            .orElseThrow();
        Class<?>[] types = constructor.getParameterTypes();
        Object[] args = new Object[types.length];
        int nextString = 0;
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == String.class) {
                args[i] = nextString < strings.length ? strings[nextString++] : null;
            } else if (t == List.class) {
                args[i] = List.of();
            } else if (t == boolean.class) {
                args[i] = false;
            } else if (t.isEnum()) {
                Object[] constants = t.getEnumConstants();
                args[i] = Arrays.stream(constants).filter(c -> ((Enum<?>) c).name().equals("ALL")).findFirst().orElse(constants[0]);
            } else {
                throw new IllegalStateException("unexpected PluginDescriptor constructor parameter " + t);
            }
        }
        try {
            return (PluginDescriptor) constructor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build a PluginDescriptor for " + pluginClass.getName(), e);
        }
    }

    @Override
    protected List<LoadedPlugin> plugins() {
        return classpathPlugins;
    }

    // The classpath plugins we load (transport-netty4) declare no SPI extensions. The default
    // implementation would scan the shared system class loader and pick up the server's own
    // providers a second time.
    @Override
    public <T> List<? extends T> loadServiceProviders(Class<T> service) {
        return List.of();
    }
}
