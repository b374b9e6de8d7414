"""Write the monolingual corpus from which the per-language mean vectors are computed.

The corpus is generated combinatorially from templates and word lists written for this purpose
(one set per language, not translations of one another), seeded so that it is reproducible. It
imitates the texts the platform embeds: opportunity titles, short descriptions, profile sentences
and keyword lists across the six priority sectors. It shares no template with the parallel
sentence set used for evaluation (evaluation/matching/parallel/).

    python evaluation/matching/language_means/make_corpus.py   # writes corpus-{it,ja,en}.txt
"""

from __future__ import annotations

import random
from pathlib import Path

TEXTS_PER_LANGUAGE = 400
HERE = Path(__file__).parent

WORDS = {
    "it": {
        "org": [
            "Un'azienda piemontese",
            "Una PMI lombarda",
            "Una startup torinese",
            "Un centro di ricerca pugliese",
            "Un consorzio emiliano",
            "Un'università veneta",
            "Un gruppo industriale toscano",
            "Un laboratorio siciliano",
            "Una società di ingegneria romana",
            "Un fondo di investimento milanese",
            "Uno spin-off del Politecnico",
        ],
        "thing": [
            "sensori MEMS",
            "celle fotovoltaiche",
            "reti neurali per la visione",
            "moduli di potenza in carburo di silicio",
            "elettrolizzatori per idrogeno verde",
            "qubit superconduttivi",
            "anticorpi monoclonali",
            "ponti in acciaio",
            "sistemi di accumulo a batteria",
            "chip per l'intelligenza artificiale",
            "gallerie ferroviarie",
            "algoritmi di manutenzione predittiva",
            "vaccini a mRNA",
            "turbine eoliche offshore",
            "fotonica integrata",
            "criogenia per computer quantistici",
            "smart grid",
            "diagnostica molecolare",
            "robot collaborativi",
            "litografia avanzata",
            "biomateriali per protesi",
            "dighe e infrastrutture idriche",
        ],
        "verb": [
            "sviluppa",
            "produce",
            "progetta",
            "commercializza",
            "collauda",
            "integra",
            "brevetta",
            "distribuisce",
        ],
        "need": [
            "cerca un partner giapponese per",
            "è interessata a licenziare",
            "offre la propria tecnologia di",
            "cerca investitori per industrializzare",
            "vuole avviare una collaborazione di ricerca su",
            "cerca un distributore in Giappone per",
            "propone un accordo di fornitura di",
        ],
        "goal": [
            "ridurre i consumi energetici",
            "entrare nel mercato asiatico",
            "aumentare la resa produttiva",
            "certificare il prodotto",
            "scalare la produzione",
            "ridurre i costi di manutenzione",
            "partecipare a un bando europeo",
            "costruire un impianto pilota",
        ],
    },
    "ja": {
        "org": [
            "大阪の中堅メーカー",
            "東京の大学発ベンチャー",
            "名古屋の部品メーカー",
            "つくばの研究機関",
            "京都のスタートアップ",
            "九州の半導体工場",
            "横浜のエンジニアリング会社",
            "仙台の国立大学",
            "福岡の投資ファンド",
            "北海道のエネルギー企業",
            "神戸の製薬会社",
        ],
        "thing": [
            "パワー半導体",
            "全固体電池",
            "画像認識AI",
            "超伝導量子ビット",
            "洋上風力発電",
            "水素燃料電池",
            "再生医療",
            "橋梁点検ロボット",
            "フォトレジスト",
            "量子暗号通信",
            "スマートグリッド",
            "抗体医薬",
            "トンネル掘削技術",
            "自然言語処理",
            "ペロブスカイト太陽電池",
            "精密減速機",
            "ゲノム編集",
            "耐震構造",
            "EUV露光装置",
            "蓄電池管理システム",
            "創薬支援AI",
            "上下水道インフラ",
        ],
        "verb": [
            "を開発している",
            "を製造している",
            "を設計している",
            "を販売している",
            "の特許を保有している",
            "の実証試験を行っている",
            "を量産している",
            "を研究している",
        ],
        "need": [
            "イタリアの提携先を探している",
            "ライセンス供与を希望している",
            "共同研究のパートナーを募集している",
            "欧州の販売代理店を求めている",
            "出資者を探している",
            "技術提供を提案している",
            "合弁会社の設立を検討している",
        ],
        "goal": [
            "欧州市場に参入するため",
            "生産効率を高めるため",
            "製造コストを削減するため",
            "製品の認証を取得するため",
            "量産体制を整えるため",
            "保守費用を下げるため",
            "実証プラントを建設するため",
            "脱炭素を進めるため",
        ],
    },
    "en": {
        "org": [
            "A mid-sized manufacturer",
            "A university spin-off",
            "A venture-backed startup",
            "A national research lab",
            "An engineering consultancy",
            "A family-owned supplier",
            "A regional utility",
            "A contract manufacturer",
            "A biotech incubator",
            "A private equity fund",
            "A consortium of foundries",
        ],
        "thing": [
            "gallium nitride transistors",
            "solid-state batteries",
            "computer vision models",
            "trapped-ion quantum processors",
            "floating wind platforms",
            "green ammonia synthesis",
            "cell therapy manufacturing",
            "bridge inspection drones",
            "chip packaging",
            "post-quantum cryptography",
            "demand response software",
            "protein engineering",
            "tunnel boring machines",
            "large language models",
            "thin-film solar modules",
            "precision bearings",
            "CRISPR screening",
            "seismic isolation",
            "wafer metrology",
            "grid-scale storage",
            "drug discovery platforms",
            "water treatment plants",
        ],
        "verb": [
            "develops",
            "manufactures",
            "designs",
            "sells",
            "holds patents on",
            "pilots",
            "scales up",
            "researches",
        ],
        "need": [
            "is looking for a partner in Japan or Italy for",
            "wants to license out",
            "seeks a joint research partner for",
            "is searching for distributors of",
            "is raising capital to industrialise",
            "offers know-how in",
            "proposes a supply agreement for",
        ],
        "goal": [
            "to enter a new market",
            "to improve manufacturing yield",
            "to cut energy use",
            "to obtain certification",
            "to scale production",
            "to lower maintenance costs",
            "to build a demonstration plant",
            "to decarbonise operations",
        ],
    },
}


def sentence(language: str, rng: random.Random) -> str:
    w = {key: rng.choice(values) for key, values in WORDS[language].items()}
    other = rng.choice(WORDS[language]["thing"])
    if language == "ja":
        forms = [
            f"{w['org']}は{w['thing']}{w['verb']}。",
            f"{w['org']}が{w['thing']}について{w['need']}。",
            f"{w['thing']}と{other}の分野で、{w['goal']}{w['need']}。",
            f"{w['thing']}の技術",
            f"{w['thing']}、{other}",
            f"当社は{w['thing']}{w['verb']}。{w['goal']}、{w['need']}。",
        ]
    elif language == "it":
        forms = [
            f"{w['org']} {w['verb']} {w['thing']}.",
            f"{w['org']} {w['need']} {w['thing']}.",
            f"Per {w['goal']}, {w['org'][0].lower() + w['org'][1:]} {w['need']} {w['thing']} e {other}.",
            f"Tecnologia di {w['thing']}",
            f"{w['thing']}, {other}",
            f"La nostra azienda {w['verb']} {w['thing']}. Per {w['goal']} {w['need']} {other}.",
        ]
    else:
        forms = [
            f"{w['org']} {w['verb']} {w['thing']}.",
            f"{w['org']} {w['need']} {w['thing']}.",
            f"{w['org']} {w['need']} {w['thing']} and {other} {w['goal']}.",
            f"Technology for {w['thing']}",
            f"{w['thing']}, {other}",
            f"Our company {w['verb']} {w['thing']}. It {w['need']} {other} {w['goal']}.",
        ]
    return rng.choice(forms)


def make_corpus(language: str) -> list[str]:
    rng = random.Random(f"kakehashi-language-means-{language}")
    texts: list[str] = []
    seen: set[str] = set()
    while len(texts) < TEXTS_PER_LANGUAGE:
        text = sentence(language, rng)
        if text not in seen:
            seen.add(text)
            texts.append(text)
    return texts


def main() -> None:
    for language in WORDS:
        path = HERE / f"corpus-{language}.txt"
        path.write_text("\n".join(make_corpus(language)) + "\n", encoding="utf-8")
        print(f"wrote {TEXTS_PER_LANGUAGE} texts to {path}")


if __name__ == "__main__":
    main()
