namespace Ingest.Worker.Commands;

/// <summary>Exit codes shared by every command (part of the CLI contract).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int RuntimeError = 1;
    public const int BadConfiguration = 2;
    public const int FolderInUse = 3;
    public const int UnknownDocument = 4;
    public const int Interrupted = 130;
}
