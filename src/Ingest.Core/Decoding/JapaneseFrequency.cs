using System.Buffers;

namespace Ingest.Decoding;

/// <summary>Characters typical of Japanese prose: kana (by range) and the most common kanji.</summary>
internal static class JapaneseFrequency
{
    // Common kanji, including the Japanese forms (売, 気, 広, …) that are neither simplified nor traditional Chinese.
    // Part of the stored-text codec's model, like ChineseFrequency's lists: frozen.
    internal const string Kanji =
        "日本人大年一中出生時間行事会分自上下見前後子方手気思言国長本学社新業場発者内合立部私今何最度通私東京都市明高円小私回目金先話月女男物家地取問題関係同所入考当開意実理作的政府経済対外用員表強少多力使米化近性期動公的心体感全変要情報制記者店電車駅道線売買広気持楽好悪早遅父母友達親私達自分今日明日昨日毎朝夜時間週末休仕事会社学校先生学生勉強図書館病院医者薬頭顔目耳口足歩走乗降着始終続止待持帰来行言話読書聞見食飲寝起遊働住知思分教習使作送届払貸借切押引開閉入出";

    private static readonly SearchValues<char> CommonKanji = SearchValues.Create(Kanji);

    public static bool IsCommonKanji(char c) => CommonKanji.Contains(c);

    /// <summary>Hiragana and full-width katakana (including the prolonged sound mark ー).</summary>
    public static bool IsKana(char c) => c is >= '\u3041' and <= '\u30FF';

    public static bool IsHalfWidthKatakana(char c) => c is >= '\uFF61' and <= '\uFF9F';
}
