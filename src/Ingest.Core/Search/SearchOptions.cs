using Microsoft.Extensions.Options;

namespace Ingest.Search;

/// <summary>The <c>Search</c> configuration section.</summary>
public sealed class SearchOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Search";

    /// <summary>Maintain the full-text index. Stored text and near-duplicate fingerprints are kept either way.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How much of each document's normalized UTF-8 text is stored, indexed and fingerprinted.</summary>
    public int MaxIndexedBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Hamming distance of SimHashes within which a document is a near-duplicate (0–3: the 4-band lookup guarantees recall only up to 3).</summary>
    public int NearDuplicateDistance { get; set; } = 3;
}

/// <summary>Refuses an invalid <c>Search</c> section at start, naming the key.</summary>
internal sealed class SearchOptionsValidator : IValidateOptions<SearchOptions>
{
    public ValidateOptionsResult Validate(string? name, SearchOptions options)
    {
        var errors = new List<string>();
        if (options.MaxIndexedBytes < 0)
        {
            errors.Add($"Search:MaxIndexedBytes must be 0 or more bytes (got {options.MaxIndexedBytes}).");
        }

        if (options.NearDuplicateDistance is < 0 or > 3)
        {
            errors.Add($"Search:NearDuplicateDistance must be between 0 and 3 (got {options.NearDuplicateDistance}): the 4-band lookup guarantees recall only up to 3.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
