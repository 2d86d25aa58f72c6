package dev.condense.kernel.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.condense.engine.data.DatasetCatalog;
import dev.condense.kernel.Kernel;
import dev.condense.kernel.plugin.ExtensionRegistry;
import dev.condense.kernel.plugin.PluginHost;
import dev.condense.kernel.run.PipelineRunner;
import dev.condense.kernel.stage.StageKinds;
import dev.condense.kernel.stage.StageKindsModule;

/**
 * Root Guice module of the kernel; installs the stage kinds ({@link StageKindsModule}). Plugins never see it: their extensions are created in per-plugin child
 * injectors of a per-registry parent (see {@link ExtensionRegistry}), so no plugin key is ever recorded here. Explicit bindings only, so nothing is bound just in time.
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
        install(new StageKindsModule());
    }

    /** The plugins, loaded; the registry is not bound, as each reload replaces it (ask the host). */
    @Provides
    @Singleton
    PluginHost plugins(KernelConfig c, StageKinds kinds) {
        return PluginHost.open(c.pluginsDir(), c.version(), kinds.ids());
    }

    @Provides
    @Singleton
    DatasetCatalog catalog() {
        return DatasetCatalog.standard();
    }

    @Provides
    @Singleton
    PipelineRunner runner(DatasetCatalog catalog, PluginHost host, KernelConfig c) {
        return new PipelineRunner(catalog, () -> host.manager().pluginZips(), c.version());
    }
}
