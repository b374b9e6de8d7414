"""The Japanese and Italian queries of the search evaluation, written by hand: two per category and
language, phrased as a user types them (short, in their own words, not echoing the profiles).

A profile is relevant to a query when it shares the query's category. Half of the queries (the
first of each category and language) choose settings ("train"), the other half report ("test").
"""

from __future__ import annotations

QUERIES: dict[str, dict[str, tuple[str, str]]] = {
    "medical_devices": {
        "ja": ("心臓疾患向けの医療機器を開発する企業", "整形外科用インプラントのメーカー"),
        "it": ("dispositivi medici per la cardiologia", "protesi e impianti ortopedici"),
    },
    "drug_discovery": {
        "ja": ("がん治療薬の創薬ベンチャー", "希少疾患の新薬候補を持つバイオ企業"),
        "it": ("scoperta di nuovi farmaci antitumorali", "terapie geniche per malattie rare"),
    },
    "diagnostics": {
        "ja": ("血液検査による早期診断キット", "感染症の迅速検査"),
        "it": ("test diagnostici rapidi per infezioni", "biopsia liquida per la diagnosi precoce dei tumori"),
    },
    "agritech": {
        "ja": ("スマート農業のセンサーとドローン", "ぶどう畑の灌漑管理システム"),
        "it": ("agricoltura di precisione con droni", "monitoraggio dei parassiti nei frutteti"),
    },
    "food_tech": {
        "ja": ("植物由来の代替食品", "食品の賞味期限を延ばす技術"),
        "it": ("alimenti vegetali fermentati", "conservazione della frutta fresca e imballaggi alimentari"),
    },
    "solar_wind": {
        "ja": ("太陽電池の高効率化技術", "風力発電設備の予知保全"),
        "it": ("impianti fotovoltaici galleggianti", "manutenzione delle turbine eoliche"),
    },
    "batteries": {
        "ja": ("次世代蓄電池セル", "使用済みリチウムイオン電池のリサイクル"),
        "it": ("accumulo domestico di energia elettrica", "celle al sodio senza cobalto"),
    },
    "hydrogen": {
        "ja": ("水電解装置と燃料電池", "水素を使う工業炉の脱炭素化"),
        "it": ("produzione di idrogeno verde con elettrolizzatori", "celle a combustibile per camion"),
    },
    "advanced_materials": {
        "ja": ("炭素繊維複合材料のリサイクル", "腐食を防ぐ機能性コーティング"),
        "it": ("nuovi materiali compositi leggeri", "isolanti termici e cementi a basse emissioni"),
    },
    "semiconductors": {
        "ja": ("炭化ケイ素のパワー半導体", "低消費電力のマイコンと集積回路設計"),
        "it": ("transistor di potenza in nitruro di gallio", "progettazione di chip e microelettronica"),
    },
    "photonics": {
        "ja": ("産業用レーザー加工", "光通信用のシリコンフォトニクス"),
        "it": ("telecamere iperspettrali e sensori ottici", "laser per lavorazioni di precisione"),
    },
    "robotics": {
        "ja": ("協働ロボットと倉庫の自動化", "作業者を支援する外骨格"),
        "it": ("sensori per robotica e pinze robotiche", "robot mobili autonomi per la logistica"),
    },
    "ai_software": {
        "ja": ("機械学習による需要予測", "自然言語処理で契約書を解析するソフトウェア"),
        "it": (
            "intelligenza artificiale per il controllo qualità",
            "assistente virtuale per il servizio clienti",
        ),
    },
    "cybersecurity": {
        "ja": ("産業制御システムのサイバー攻撃対策", "耐量子暗号ライブラリ"),
        "it": ("sicurezza informatica per reti elettriche", "formazione contro il phishing per le banche"),
    },
    "aerospace": {
        "ja": ("小型衛星の推進システム", "航空機の電動化"),
        "it": ("componenti per satelliti e lanciatori", "osservazione della Terra dallo spazio"),
    },
    "water_environment": {
        "ja": ("下水処理と水道管の漏水検知", "土壌や地下水の汚染浄化"),
        "it": ("depurazione delle acque reflue", "qualità dell'aria nelle città e microplastiche nei fiumi"),
    },
    "cultural_heritage": {
        "ja": ("文化財の修復と非破壊分析", "博物館のデジタル展示"),
        "it": ("restauro di affreschi e monumenti", "realtà aumentata per siti archeologici"),
    },
    "mobility": {
        "ja": ("電気自動車の充電インフラ管理", "都市交通と公共交通のサービス"),
        "it": ("conversione elettrica dei furgoni per le consegne", "gestione del traffico urbano"),
    },
    "construction": {
        "ja": ("橋梁の構造ヘルスモニタリング", "既存建物の耐震補強"),
        "it": ("edilizia prefabbricata in legno", "stampa 3D di calcestruzzo per l'edilizia"),
    },
    "circular_economy": {
        "ja": ("混合プラスチックのケミカルリサイクル", "繊維製品の再資源化"),
        "it": ("riciclo dei tessuti e della moda", "recupero di terre rare e sottoprodotti industriali"),
    },
    "quantum": {
        "ja": ("量子鍵配送と量子通信", "量子センサーと単一光子検出器"),
        "it": ("crittografia quantistica su fibra", "elettronica criogenica per computer quantistici"),
    },
}


def queries(split: str) -> list[tuple[str, str, str]]:
    """(language, text, category) of the queries of ``split``: "train", "test" or "all"."""
    chosen = {"train": (0,), "test": (1,), "all": (0, 1)}[split]
    return [
        (language, pair[i], category)
        for category, by_language in QUERIES.items()
        for language, pair in by_language.items()
        for i in chosen
    ]
