"""Generate the it/ja/en parallel sentence set used for the cross-lingual retrieval figure.

Honest description: the triples are generated combinatorially from 8 sentence frames, 42 products
or technologies and 15 applications, each written by hand in Italian, Japanese and English for
this set (so every triple is an exact translation by construction, not a machine translation).
1,000 distinct (frame, product, application) combinations are drawn with a fixed seed. Because
sentences sharing a frame differ only in one or two phrases, top-1 retrieval among the 1,000 is a
demanding test of whether the model sees *which* technology and *which* application, across
languages. It shares no frame with the correction corpus (evaluation/matching/language_means/).

    python evaluation/matching/parallel/make_parallel.py   # writes sentences.jsonl
"""

from __future__ import annotations

import json
import random
from pathlib import Path

TRIPLES = 1000
HERE = Path(__file__).parent

# (it, ja, en); {p} is the product, {a} the application.
FRAMES = [
    (
        "Cerchiamo un fornitore di {p} per {a}.",
        "{a}向けの{p}のサプライヤーを探しています。",
        "We are looking for a supplier of {p} for {a}.",
    ),
    (
        "La nostra azienda produce {p} per {a}.",
        "当社は{a}向けの{p}を製造しています。",
        "Our company manufactures {p} for {a}.",
    ),
    (
        "Offriamo in licenza un brevetto su {p} per {a}.",
        "{a}向けの{p}に関する特許のライセンスを提供します。",
        "We offer a licence on a patent for {p} for {a}.",
    ),
    (
        "Un centro di ricerca cerca partner per sviluppare {p} per {a}.",
        "研究機関が{a}向けの{p}を共同開発するパートナーを探しています。",
        "A research centre is looking for partners to develop {p} for {a}.",
    ),
    (
        "Una startup cerca investitori per industrializzare {p} per {a}.",
        "スタートアップが{a}向けの{p}の量産化のために投資家を探しています。",
        "A startup is looking for investors to industrialise {p} for {a}.",
    ),
    (
        "Proponiamo una collaborazione tecnica su {p} per {a}.",
        "{a}向けの{p}について技術協力を提案します。",
        "We propose technical cooperation on {p} for {a}.",
    ),
    (
        "Cerchiamo distributori giapponesi di {p} per {a}.",
        "{a}向けの{p}を扱う日本の販売代理店を探しています。",
        "We are looking for Japanese distributors of {p} for {a}.",
    ),
    (
        "Un'azienda giapponese cerca un partner italiano per produrre {p} per {a}.",
        "日本企業が{a}向けの{p}を生産するイタリアのパートナーを探しています。",
        "A Japanese company is looking for an Italian partner to produce {p} for {a}.",
    ),
]

PRODUCTS = [
    ("sensori MEMS", "MEMSセンサー", "MEMS sensors"),
    (
        "moduli di potenza in carburo di silicio",
        "炭化ケイ素パワーモジュール",
        "silicon carbide power modules",
    ),
    ("transistor al nitruro di gallio", "窒化ガリウムトランジスタ", "gallium nitride transistors"),
    ("wafer di silicio da 300 mm", "300mmシリコンウェハ", "300 mm silicon wafers"),
    ("fotoresist per litografia", "リソグラフィ用フォトレジスト", "lithography photoresists"),
    ("chip di memoria", "メモリチップ", "memory chips"),
    ("sensori di immagine CMOS", "CMOSイメージセンサー", "CMOS image sensors"),
    ("circuiti fotonici integrati", "光集積回路", "photonic integrated circuits"),
    ("qubit superconduttivi", "超伝導量子ビット", "superconducting qubits"),
    ("sistemi di crittografia quantistica", "量子暗号システム", "quantum cryptography systems"),
    ("criostati a diluizione", "希釈冷凍機", "dilution refrigerators"),
    ("sensori quantistici", "量子センサー", "quantum sensors"),
    ("modelli di visione artificiale", "画像認識モデル", "computer vision models"),
    ("software di manutenzione predittiva", "予知保全ソフトウェア", "predictive maintenance software"),
    ("robot collaborativi", "協働ロボット", "collaborative robots"),
    ("assistenti vocali", "音声アシスタント", "voice assistants"),
    ("algoritmi di traduzione automatica", "機械翻訳アルゴリズム", "machine translation algorithms"),
    (
        "acceleratori hardware per reti neurali",
        "ニューラルネットワーク用ハードウェアアクセラレータ",
        "hardware accelerators for neural networks",
    ),
    ("batterie allo stato solido", "全固体電池", "solid-state batteries"),
    ("celle a combustibile a idrogeno", "水素燃料電池", "hydrogen fuel cells"),
    ("elettrolizzatori", "水電解装置", "electrolysers"),
    ("pannelli solari in perovskite", "ペロブスカイト太陽電池パネル", "perovskite solar panels"),
    ("turbine eoliche galleggianti", "浮体式風力タービン", "floating wind turbines"),
    ("pompe di calore", "ヒートポンプ", "heat pumps"),
    ("sistemi di accumulo di energia", "蓄電システム", "energy storage systems"),
    ("contatori intelligenti", "スマートメーター", "smart meters"),
    ("cavi superconduttori", "超電導ケーブル", "superconducting cables"),
    ("droni per l'ispezione", "点検用ドローン", "inspection drones"),
    ("calcestruzzo autoriparante", "自己修復コンクリート", "self-healing concrete"),
    ("isolatori sismici", "免震装置", "seismic isolators"),
    ("sensori in fibra ottica", "光ファイバーセンサー", "fibre optic sensors"),
    ("binari prefabbricati", "プレキャスト軌道", "prefabricated railway tracks"),
    ("sistemi di depurazione delle acque", "水処理システム", "water treatment systems"),
    ("gemelli digitali", "デジタルツイン", "digital twins"),
    ("anticorpi monoclonali", "モノクローナル抗体", "monoclonal antibodies"),
    ("vaccini a mRNA", "mRNAワクチン", "mRNA vaccines"),
    ("kit diagnostici rapidi", "迅速診断キット", "rapid diagnostic kits"),
    ("terapie cellulari", "細胞治療", "cell therapies"),
    ("strumenti di editing genomico", "ゲノム編集ツール", "genome editing tools"),
    ("biomateriali per protesi", "人工関節用バイオマテリアル", "biomaterials for prostheses"),
    ("enzimi industriali", "産業用酵素", "industrial enzymes"),
    ("bioplastiche", "バイオプラスチック", "bioplastics"),
]

APPLICATIONS = [
    ("l'industria automobilistica", "自動車産業", "the automotive industry"),
    ("i veicoli elettrici", "電気自動車", "electric vehicles"),
    ("le reti elettriche", "電力網", "power grids"),
    ("gli impianti solari", "太陽光発電所", "solar plants"),
    ("gli ospedali", "病院", "hospitals"),
    ("l'industria farmaceutica", "製薬業界", "the pharmaceutical industry"),
    ("i data center", "データセンター", "data centres"),
    ("le ferrovie", "鉄道", "railways"),
    ("i ponti e le gallerie", "橋梁とトンネル", "bridges and tunnels"),
    ("l'agricoltura", "農業", "agriculture"),
    ("l'industria aerospaziale", "航空宇宙産業", "the aerospace industry"),
    ("le telecomunicazioni", "通信", "telecommunications"),
    ("la robotica industriale", "産業用ロボット", "industrial robotics"),
    ("gli impianti a idrogeno", "水素プラント", "hydrogen plants"),
    ("la diagnostica medica", "医療診断", "medical diagnostics"),
]


def make_triples() -> list[dict[str, str]]:
    rng = random.Random("kakehashi-parallel-v1")
    combos = [
        (f, p, a) for f in range(len(FRAMES)) for p in range(len(PRODUCTS)) for a in range(len(APPLICATIONS))
    ]
    chosen = sorted(rng.sample(combos, TRIPLES))
    triples = []
    for n, (f, p, a) in enumerate(chosen, start=1):
        triple = {"id": f"par-{n:04d}", "frame": f, "product": p, "application": a}
        for i, lang in enumerate(("it", "ja", "en")):
            triple[lang] = FRAMES[f][i].format(p=PRODUCTS[p][i], a=APPLICATIONS[a][i])
        triples.append(triple)
    return triples


def main() -> None:
    path = HERE / "sentences.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for triple in make_triples():
            out.write(json.dumps(triple, ensure_ascii=False) + "\n")
    print(f"wrote {TRIPLES} triples to {path}")


if __name__ == "__main__":
    main()
