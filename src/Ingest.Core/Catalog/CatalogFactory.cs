using Ingest.Configuration;
using Microsoft.Extensions.Options;

namespace Ingest.Catalog;

/// <summary>Opens the configured catalog. The one place that knows which backend is in use.</summary>
internal sealed class CatalogFactory(IOptions<IngestOptions> options, IOptions<Ingest.Search.SearchOptions> search, TimeProvider time)
{
    public string DatabasePath => Path.GetFullPath(options.Value.Database);

    /// <summary>Opens for ingest: creates and migrates the catalog when needed.</summary>
    public ICatalog OpenForWrite() =>
        SqliteCatalog.Open(DatabasePath, readOnly: false, time, fullSync: options.Value.Durability == Durability.Full, search.Value.NearDuplicateDistance);

    /// <summary>Opens for queries: never creates a catalog; a missing file is an error naming it.</summary>
    public ICatalog OpenReadOnly() => SqliteCatalog.Open(DatabasePath, readOnly: true, time, nearDuplicateDistance: search.Value.NearDuplicateDistance);

    /// <summary>Opens when the file exists, for a dry run that must not create anything.</summary>
    public ICatalog? OpenIfExists() => File.Exists(DatabasePath) ? OpenReadOnly() : null;
}
