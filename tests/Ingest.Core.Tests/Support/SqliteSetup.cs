using System.Runtime.CompilerServices;
using Ingest.Catalog;

namespace Ingest.Tests.Support;

internal static class SqliteSetup
{
    /// <summary>
    /// Configures SQLite before any test opens a connection, as the application does before its first one: some tests
    /// open plain connections, and tests run in parallel in one process.
    /// </summary>
#pragma warning disable CA2255 // a test assembly's own set-up, not a library's
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void ConfigureFirst() => SqliteLibrary.EnsureConfigured();
}
