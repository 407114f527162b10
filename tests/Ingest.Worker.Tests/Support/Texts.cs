using System.Text;

namespace Ingest.Worker.Tests.Support;

/// <summary>Fixture texts written for these tests.</summary>
internal static class Texts
{
    public const string Chinese =
        "关于加强社区图书馆建设的讲话\n" +
        "同志们：今天我们召开会议，总结社区阅读工作。\n" +
        "一、过去一年的主要成绩\n" +
        "全市新建阅览室四十二个，借阅量增长三成。\n";

    public const string English =
        "Minutes of the Harbour Reading Club\n" +
        "Members agreed to meet on the first Monday of every month.\n";

    public static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);

    public static byte[] Utf8Bom(string text) => [0xEF, 0xBB, 0xBF, .. Utf8(text)];

    public static byte[] Utf16Le(string text) => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)];

    public static byte[] Utf16Be(string text) => [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)];

    public static string Crlf(string text) => text.Replace("\n", "\r\n", StringComparison.Ordinal);

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
