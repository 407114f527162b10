using System.Buffers;

namespace Ingest.Decoding;

/// <summary>
/// The most common Chinese characters, simplified and traditional forms together. Real Chinese text draws
/// most of its characters from this set; bytes of another charset decoded as Chinese land on it only by chance.
/// </summary>
internal static class ChineseFrequency
{
    // Ordered roughly by frequency in modern prose. The order does not matter for membership, but this list and the next
    // are the model of the stored-text codec (CjkHuffman): changing either would make stored text undecodable, and a test
    // pins them. A character wanted for detection goes into a list of its own.
    internal const string Simplified =
        "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵"
        + "贯彻落深化完善提升加快促进健全优化坚定推动实施高质量现代治理体系能力创新保障服务群众基层干部扎实稳步持续统筹协调绿色开放共享民生就业教育医疗养老住房乡村振兴脱贫攻坚生态环境安全风险防范化解重大任务目标工作会议同志们朋友女士先生各位今天我们你们他们大家谢谢";

    // Traditional forms of common characters whose simplified form differs.
    internal const string Traditional =
        "們這個來為時說國會對發後裡過還進與長麼開關點業將兩間問從實軍現經動種當沒頭體聽見學樣應戰無認條氣題則華農書寫車東電數報處變聲機產義幾萬衛歷區圖讓識議論門爭歲愛師務員幹黨總統領導價錢買賣辦於記許設計標準"
        + "灣臺親語讀話談謝請邊達運遠選難雖雙雞雲靈風飛館馬驚髮鬥鳥麗齊龍龜歡樂觀際組織結構濟環護質規劃協調創綠傳閥係單財節約費爲備習兒喚園團圍壓場壞夢夠奮婦媽寧寶專屬層島帶帥幣幫廣張強復態憂戀懷戲據擇擔擁擊擴擺"
        + "斷晉極樓權歐決溫滅漢潔爺燈獨獎畫異監盤眾碼確禮離穩積競筆範築簡類糧紀紅級細紹終給絲維網線練縣績繼續聖聯職興舉艦藝蘇號術裝視覺覽訂討訓訪證評試詩該詳誤諸豐負貢貨購貿資賽賴贏軟較載輕輪輸轉適遺醫針鐵鋼錄錯"
        + "鎮陽階陸陳隊隨險靜響項順預顏顯養餘驗魚鮮黃";

    // Punctuation of Chinese and Japanese prose; ，。 and 、 in particular rarely appear by accident. Also part of the
    // stored-text codec's model: frozen, like the lists above.
    internal const string FullWidthPunctuation = "，。、；：？！「」『』（）《》〈〉【】〔〕…—·・　～“”‘’";

    private static readonly SearchValues<char> Common = SearchValues.Create(Simplified + Traditional);
    private static readonly SearchValues<char> Punctuation = SearchValues.Create(FullWidthPunctuation);

    public static bool IsCommon(char c) => Common.Contains(c);

    public static bool IsPunctuation(char c) => Punctuation.Contains(c);
}
