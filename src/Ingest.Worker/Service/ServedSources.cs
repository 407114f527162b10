using System.Collections.Concurrent;
using Ingest.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Worker.Service;

/// <summary>The sources served by <c>ingest run</c> and the instance lock held on each drop folder.</summary>
internal sealed class ServedSources(IOptions<IngestOptions> options, ILogger<ServedSources> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, DropFolderLock> _locks = new(StringComparer.Ordinal);
    private IReadOnlyList<IngestSource>? _all;

    public IReadOnlyList<IngestSource> All => _all ??= IngestSource.AllFromOptions(options.Value);

    public IngestSource? Find(string name) => All.FirstOrDefault(s => s.Name == name);

    /// <summary>
    /// Makes sure this process holds the lock of <paramref name="source"/>'s drop folder, creating the folder when
    /// configured to. Returns true when the lock was (re)taken now, e.g. after the folder came back.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The drop folder is missing.</exception>
    /// <exception cref="FolderInUseException">Another process serves it.</exception>
    public bool EnsureLocked(IngestSource source)
    {
        lock (_locks)
        {
            if (_locks.TryGetValue(source.Name, out var held))
            {
                if (held.IsCurrent)
                {
                    return false;
                }

                held.Dispose();
                _locks.TryRemove(source.Name, out _);
            }

            if (!Directory.Exists(source.DropFolder))
            {
                if (!source.CreateDropFolder)
                {
                    throw new DirectoryNotFoundException($"Drop folder '{source.DropFolder}' does not exist (set {source.ConfigKey}:CreateDropFolder to create it).");
                }

                Directory.CreateDirectory(source.DropFolder);
            }

            var taken = DropFolderLock.Acquire(source.DropFolder);
            _locks[source.Name] = taken;
            Log.LockAcquired(logger, taken.LockFile);
            return true;
        }
    }

    public void Dispose()
    {
        foreach (var l in _locks.Values)
        {
            l.Dispose();
        }

        _locks.Clear();
    }
}
