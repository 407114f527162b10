using System.Buffers;

namespace Ingest.Decoding;

/// <summary>The most common Hangul syllables of Korean prose.</summary>
internal static class KoreanFrequency
{
    private const string Syllables =
        "이다는의에을를하가고지기서한로도사으리있자나해대시어수게인들것전일정아라구중보부주상제스여면만국원요성경회개비않동생과와적소장했우마문간위계되관내모연세미속학그저방러교실통결무합안현진선물공신명조화당금날말발형작영분체오람때니습까및더할음치없또던였거요된이번년월씨많같우리사람오늘내일어제시간생각사랑친구학교회사나라세계한국서울정부대통령경제문화역사사회정치산업기술교육연구개발환경";

    private static readonly SearchValues<char> Common = SearchValues.Create(Syllables);

    public static bool IsCommon(char c) => Common.Contains(c);

    public static bool IsSyllable(char c) => c is >= '\uAC00' and <= '\uD7A3';
}
