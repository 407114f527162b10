using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ingest;

/// <summary>Registers the ingestion pipeline and its catalog.</summary>
public static class IngestServiceCollectionExtensions
{
    /// <summary>Binds and validates the <c>Ingest</c> section and registers the scan pipeline.</summary>
    public static IServiceCollection AddIngestPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngestOptions>()
            .Bind(configuration.GetSection(IngestOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ScanPipeline>();
        return services;
    }

    /// <summary>Binds and validates the <c>Search</c> section: stored text, the full-text index and near-duplicates.</summary>
    public static IServiceCollection AddIngestSearch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Ingest.Search.SearchOptions>()
            .Bind(configuration.GetSection(Ingest.Search.SearchOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Ingest.Search.SearchOptions>, Ingest.Search.SearchOptionsValidator>());
        return services;
    }

    /// <summary>Registers the embedded SQLite catalog.</summary>
    public static IServiceCollection AddSqliteCatalog(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CatalogFactory>();
        return services;
    }
}
