namespace Ingest.Search;

/// <summary>
/// What a read leaves for search: the first <c>Search:MaxIndexedBytes</c> of normalized UTF-8 text (plain, until it
/// is indexed, and compressed, for the catalog) and the near-duplicate fingerprint of that text.
/// </summary>
internal sealed record SearchPayload(byte[]? TextUtf8, StoredText CompressedText, bool Truncated, Fingerprint Fingerprint)
{
    /// <summary>Keeps only what the catalog stores once the plain text is no longer needed.</summary>
    public SearchPayload WithoutPlainText() => this with { TextUtf8 = null };
}
