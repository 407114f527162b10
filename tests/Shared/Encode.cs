using System.Text;

namespace Ingest.Testing;

/// <summary>Re-encodes fixture text the way real tools write it (shared by the test projects).</summary>
internal static class Encode
{
    public static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);

    public static byte[] Utf8Bom(string text) => [0xEF, 0xBB, 0xBF, .. Utf8(text)];

    public static byte[] Utf16Le(string text) => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)];

    public static byte[] Utf16Be(string text) => [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)];

    public static string Crlf(string text) => text.Replace("\n", "\r\n", StringComparison.Ordinal);

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
