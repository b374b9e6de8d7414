"""Generated opportunity texts for the matching benchmarks: templated but varied, in it, ja and en.

Each text combines a type template, a sector topic, an application and a detail, drawn with a seeded
random generator, so 10,000 texts are (nearly) all distinct and spread over the six sectors.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

TOPICS: dict[str, dict[str, list[str]]] = {
    "ai": {
        "it": [
            "visione artificiale",
            "apprendimento automatico",
            "elaborazione del linguaggio naturale",
            "manutenzione predittiva",
            "robotica collaborativa",
        ],
        "ja": ["画像認識", "機械学習", "自然言語処理", "予知保全", "協働ロボット"],
        "en": [
            "computer vision",
            "machine learning",
            "natural language processing",
            "predictive maintenance",
            "collaborative robotics",
        ],
    },
    "semiconductors": {
        "it": [
            "carburo di silicio",
            "wafer da 200 mm",
            "packaging avanzato di chip",
            "sensori MEMS",
            "elettronica di potenza",
        ],
        "ja": ["炭化ケイ素", "200mmウェハ", "先端チップパッケージング", "MEMSセンサ", "パワー半導体"],
        "en": [
            "silicon carbide",
            "200 mm wafers",
            "advanced chip packaging",
            "MEMS sensors",
            "power electronics",
        ],
    },
    "quantum": {
        "it": [
            "crittografia quantistica",
            "qubit superconduttori",
            "sensori quantistici",
            "simulazione quantistica",
            "fotonica integrata",
        ],
        "ja": ["量子暗号", "超伝導量子ビット", "量子センサ", "量子シミュレーション", "集積フォトニクス"],
        "en": [
            "quantum cryptography",
            "superconducting qubits",
            "quantum sensors",
            "quantum simulation",
            "integrated photonics",
        ],
    },
    "energy": {
        "it": [
            "idrogeno verde",
            "batterie allo stato solido",
            "fotovoltaico",
            "eolico offshore",
            "reti elettriche intelligenti",
        ],
        "ja": ["グリーン水素", "全固体電池", "太陽光発電", "洋上風力発電", "スマートグリッド"],
        "en": ["green hydrogen", "solid-state batteries", "photovoltaics", "offshore wind", "smart grids"],
    },
    "infrastructure": {
        "it": [
            "monitoraggio strutturale dei ponti",
            "isolamento sismico",
            "gallerie ferroviarie",
            "porti intelligenti",
            "calcestruzzo a bassa emissione",
        ],
        "ja": [
            "橋梁の構造ヘルスモニタリング",
            "免震技術",
            "鉄道トンネル",
            "スマートポート",
            "低炭素コンクリート",
        ],
        "en": [
            "structural health monitoring of bridges",
            "seismic isolation",
            "railway tunnels",
            "smart ports",
            "low-carbon concrete",
        ],
    },
    "biotech": {
        "it": [
            "anticorpi monoclonali",
            "terapia genica",
            "diagnostica molecolare",
            "cellule staminali",
            "biomateriali",
        ],
        "ja": ["モノクローナル抗体", "遺伝子治療", "分子診断", "幹細胞", "バイオマテリアル"],
        "en": [
            "monoclonal antibodies",
            "gene therapy",
            "molecular diagnostics",
            "stem cells",
            "biomaterials",
        ],
    },
}

APPLICATIONS: dict[str, list[str]] = {
    "it": [
        "per l'industria automobilistica",
        "per il settore alimentare",
        "per ospedali e cliniche",
        "per la logistica",
        "per l'agricoltura di precisione",
        "per le città intelligenti",
        "per l'aerospazio",
        "per la manifattura tessile",
    ],
    "ja": [
        "自動車産業向け",
        "食品産業向け",
        "病院・診療所向け",
        "物流向け",
        "精密農業向け",
        "スマートシティ向け",
        "航空宇宙向け",
        "繊維製造向け",
    ],
    "en": [
        "for the automotive industry",
        "for the food sector",
        "for hospitals and clinics",
        "for logistics",
        "for precision agriculture",
        "for smart cities",
        "for aerospace",
        "for textile manufacturing",
    ],
}

TEMPLATES: dict[str, dict[str, list[str]]] = {
    "offer": {
        "it": [
            "Offriamo una tecnologia di {topic} {app}. {detail}",
            "La nostra azienda ha sviluppato soluzioni di {topic} {app} e cerca partner. {detail}",
            "Tecnologia brevettata di {topic} disponibile per licenza {app}. {detail}",
        ],
        "ja": [
            "{app}の{topic}技術を提供します。{detail}",
            "当社は{app}の{topic}ソリューションを開発し、パートナーを探しています。{detail}",
            "{topic}に関する特許技術をライセンス提供します（{app}）。{detail}",
        ],
        "en": [
            "We offer a {topic} technology {app}. {detail}",
            "Our company has developed {topic} solutions {app} and seeks partners. {detail}",
            "Patented {topic} technology available for licensing {app}. {detail}",
        ],
    },
    "request": {
        "it": [
            "Cerchiamo un partner con competenze in {topic} {app}. {detail}",
            "Richiesta di tecnologia: {topic} {app}. {detail}",
            "Siamo interessati a collaborare su {topic} {app}. {detail}",
        ],
        "ja": [
            "{app}の{topic}に強みを持つパートナーを探しています。{detail}",
            "技術ニーズ：{app}の{topic}。{detail}",
            "{app}の{topic}分野での共同研究を希望します。{detail}",
        ],
        "en": [
            "We are looking for a partner with expertise in {topic} {app}. {detail}",
            "Technology request: {topic} {app}. {detail}",
            "We want to collaborate on {topic} {app}. {detail}",
        ],
    },
}

DETAILS: dict[str, list[str]] = {
    "it": [
        "Il prototipo è stato validato in ambiente industriale.",
        "Cerchiamo un accordo di licenza.",
        "Disponibili per un progetto di ricerca congiunto.",
        "Il team ha dieci anni di esperienza.",
        "Possibile joint venture in Giappone.",
        "Serve un distributore locale.",
        "Riduce i costi di produzione del trenta per cento.",
        "Certificazione ISO ottenuta nel 2025.",
    ],
    "ja": [
        "試作品は産業環境で検証済みです。",
        "ライセンス契約を希望します。",
        "共同研究プロジェクトに参加可能です。",
        "チームは十年の経験があります。",
        "イタリアでの合弁事業を検討しています。",
        "現地の販売代理店が必要です。",
        "製造コストを三割削減します。",
        "2025年にISO認証を取得しました。",
    ],
    "en": [
        "The prototype was validated in an industrial setting.",
        "We seek a licence agreement.",
        "Available for a joint research project.",
        "The team has ten years of experience.",
        "A joint venture in Japan is possible.",
        "A local distributor is needed.",
        "It cuts production costs by thirty percent.",
        "ISO certification obtained in 2025.",
    ],
}

LANGUAGES = ("it", "ja", "en")


@dataclass(frozen=True, slots=True)
class GeneratedText:
    language: str
    sector: str
    side: str  # "offer" or "request"
    text: str


def generate_texts(count: int, *, seed: int = 7) -> list[GeneratedText]:
    """``count`` opportunity texts; seeded, so every run embeds the same texts."""
    rng = random.Random(seed)
    sectors = sorted(TOPICS)
    texts: list[GeneratedText] = []
    for _ in range(count):
        language = rng.choice(LANGUAGES)
        sector = rng.choice(sectors)
        side = rng.choice(("offer", "request"))
        topic = rng.choice(TOPICS[sector][language])
        second = rng.choice(TOPICS[rng.choice(sectors)][language])
        detail = " ".join(rng.sample(DETAILS[language], 2))
        template = rng.choice(TEMPLATES[side][language])
        text = template.format(topic=topic, app=rng.choice(APPLICATIONS[language]), detail=detail)
        joiner = "、" if language == "ja" else ", "
        text += ("関連技術：" if language == "ja" else " Keywords: ") + joiner.join((topic, second))
        texts.append(GeneratedText(language=language, sector=sector, side=side, text=text))
    return texts
