namespace Ingest.Metadata;

/// <summary>One heading line: its level (1–6), its text from the marker on, and its 1-based line number.</summary>
internal sealed record OutlineEntry(int Level, string Text, long Line);
