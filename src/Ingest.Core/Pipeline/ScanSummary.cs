namespace Ingest.Pipeline;

/// <summary>What a dry run would do with one ready file.</summary>
internal sealed record PlannedAction(string Path, string Action, string? Reason, string? Sha256, string? Destination);

/// <summary>The outcome of one pass over a drop folder.</summary>
internal sealed class ScanSummary
{
    public int New { get; set; }
    public int Duplicates { get; set; }
    public int Failed { get; set; }
    public long Bytes { get; set; }
    public int NotReady { get; set; }

    /// <summary>Files judged ready so far in this pass (grows while the folder is enumerated).</summary>
    public int Ready { get; set; }

    /// <summary>Ready files not processed yet.</summary>
    public int Backlog => Math.Max(0, Ready - New - Duplicates - Failed - Skipped);
    public int Skipped { get; set; }
    public int Reconciled { get; set; }

    /// <summary>Files that could not be read and wait for their back-off (Ingest:RetryFailedAfter).</summary>
    public int BackedOff { get; set; }

    /// <summary>Moves or deletes that failed after the record committed (disk full, permissions); retried next scan.</summary>
    public int DisposalErrors { get; set; }
    public TimeSpan Elapsed { get; set; }
    public List<PlannedAction> Planned { get; } = [];
}
