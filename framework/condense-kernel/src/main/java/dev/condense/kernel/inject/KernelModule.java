package dev.condense.kernel.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.condense.engine.data.DatasetCatalog;
import dev.condense.kernel.Kernel;
import dev.condense.kernel.plugin.CondensePluginManager;
import dev.condense.kernel.plugin.ExtensionRegistry;
import dev.condense.kernel.run.PipelineRunner;

/**
 * Root Guice module of the kernel. Plugins never see it: their extensions are created in per-plugin child
 * injectors (see {@link ExtensionRegistry}). Explicit bindings only, so nothing is bound just in time.
 */
public final class KernelModule extends AbstractModule {
    private final KernelConfig config;

    public KernelModule(KernelConfig config) {
        this.config = config;
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        bind(KernelConfig.class).toInstance(config);
        bind(Kernel.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    CondensePluginManager pluginManager(KernelConfig c) {
        CondensePluginManager pm = new CondensePluginManager(c.pluginsDir(), c.version());
        pm.loadPlugins();
        pm.startPlugins();
        return pm;
    }

    @Provides
    @Singleton
    ExtensionRegistry registry(CondensePluginManager pm, Injector injector) {
        return ExtensionRegistry.load(pm, injector);
    }

    @Provides
    @Singleton
    DatasetCatalog catalog() {
        return DatasetCatalog.standard();
    }

    @Provides
    @Singleton
    PipelineRunner runner(DatasetCatalog catalog, CondensePluginManager pm, KernelConfig c) {
        return new PipelineRunner(catalog, pm::pluginZips, c.version());
    }
}
