using System.Text;
using Ingest.Decoding;

namespace Ingest.Tests.Decoding;

/// <summary>One text of the corpus, written in the legacy charset its language really uses.</summary>
internal sealed record CorpusText(string Name, string Language, string LegacyLabel, string Text);

/// <summary>One generated file: a corpus text, at a length, in an encoding, with the label the detector must return.</summary>
internal sealed record CorpusSample(CorpusText Source, bool Long, string Encoding, bool Bom, string ExpectedLabel, byte[] Bytes)
{
    public override string ToString() => $"{Source.Name}/{(Long ? "long" : "short")}/{Encoding}{(Bom ? "+bom" : "")}";
}

/// <summary>The test corpus: our own short texts, re-encoded in code, short (200–300 bytes in the legacy charset) and long (several KB).</summary>
internal static class Corpus
{
    public static readonly CorpusText[] Texts =
    [
        new("simplified-chinese", "zh", TextEncodings.Gb18030,
            "关于推进社区服务工作的几点意见\n一、总体要求\n近年来，我们坚持以人民为中心，不断完善社区服务体系，群众的获得感和幸福感明显增强。\n（一）基本原则\n坚持问题导向，从群众最关心的事情做起，把好事办实、把实事办好。\n"),
        new("traditional-chinese", "zh", TextEncodings.Big5,
            "關於推動社區圖書館服務的說明\n一、背景\n過去幾年，我們在各個社區設立了小型圖書館，讓居民可以就近借閱書籍。許多家長表示，孩子們放學後有了安靜的學習環境。\n二、未來計畫\n明年將增加電子書的數量，並舉辦親子閱讀活動。\n"),
        new("japanese", "ja", TextEncodings.ShiftJis,
            "社内勉強会のお知らせ\n来週の金曜日に、新しい会計システムについての勉強会を開きます。参加を希望する方は、水曜日までに総務部の田中まで連絡してください。当日は資料を配布しますので、筆記用具だけ持ってきてください。\n"),
        new("korean", "ko", TextEncodings.EucKr,
            "지역 도서관 이용 안내\n우리 도서관은 매주 월요일을 제외하고 오전 아홉 시부터 오후 여섯 시까지 운영합니다. 책은 한 사람당 다섯 권까지 빌릴 수 있으며, 대출 기간은 이 주일입니다. 자세한 내용은 안내 데스크에 문의해 주세요.\n"),
        new("english", "en", TextEncodings.Windows1252,
            "Notes from the spring meeting\nThe committee agreed that the “open café” evenings were a success — attendance rose by a third. The budget for next year is €1,200, and we’ll ask the mayor’s office whether the hall can stay open later on Fridays.\n"),
        new("french", "fr", TextEncodings.Windows1252,
            "Compte rendu de la réunion\nLes élèves ont présenté leurs projets à la fête de l’école. Le directeur a félicité chacun pour la qualité des travaux et a rappelé que la cantine sera fermée pendant les congés. « C’est une très belle réussite », a-t-il déclaré.\n"),
        new("german", "de", TextEncodings.Windows1252,
            "Protokoll der Sitzung\nDie Mitglieder des Vereins haben über die Gebühren für das nächste Jahr gesprochen. Es wurde beschlossen, dass die Beiträge für Schüler und Studenten gleich bleiben. Außerdem wird im Frühling ein großes Straßenfest mit Musik geplant.\n"),
    ];

    /// <summary>Every text × {short, long} × {legacy, utf-8, utf-8 BOM, utf-16le BOM, utf-16be BOM}.</summary>
    public static IEnumerable<CorpusSample> Samples()
    {
        foreach (var t in Texts)
        {
            foreach (var isLong in (bool[])[false, true])
            {
                var text = isLong ? Lengthen(t) : t.Text;
                var legacy = TextEncodings.Get(t.LegacyLabel);
                yield return new(t, isLong, t.LegacyLabel, false, t.LegacyLabel, legacy.GetBytes(text));
                yield return new(t, isLong, "utf-8", false, "utf-8", Encoding.UTF8.GetBytes(text));
                yield return new(t, isLong, "utf-8", true, "utf-8", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)]);
                yield return new(t, isLong, "utf-16le", true, "utf-16le", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)]);
                yield return new(t, isLong, "utf-16be", true, "utf-16be", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)]);
            }
        }
    }

    /// <summary>The text repeated (numbered, so it is not one line over and over) until it passes 4 KB in its legacy charset.</summary>
    public static string Lengthen(CorpusText t)
    {
        var sb = new StringBuilder();
        var legacy = TextEncodings.Get(t.LegacyLabel);
        for (var i = 1; legacy.GetByteCount(sb.ToString()) < 4096; i++)
        {
            sb.Append(i).Append(". ").Append(t.Text);
        }

        return sb.ToString();
    }
}
