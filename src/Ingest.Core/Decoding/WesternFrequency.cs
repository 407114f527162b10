using System.Buffers;

namespace Ingest.Decoding;

/// <summary>The non-ASCII characters Western European prose in windows-1252 actually uses.</summary>
internal static class WesternFrequency
{
    private static readonly SearchValues<char> Letters = SearchValues.Create(
        "àâäáãåæçèéêëìíîïñòóôöõøùúûüýÿßœšžÀÂÄÁÃÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÖÕØÙÚÛÜÝŒŠŽŸ");

    private static readonly SearchValues<char> Punctuation = SearchValues.Create(
        "‘’“”„–—…€•«»°§©®™¡¿·£\u00A0");

    public static bool IsLetter(char c) => Letters.Contains(c);

    public static bool IsPunctuation(char c) => Punctuation.Contains(c);
}
