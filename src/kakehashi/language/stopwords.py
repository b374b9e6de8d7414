"""Stop words for the Italian and English analysers.

Function words only (articles, prepositions, pronouns, auxiliaries, conjunctions), after the
Snowball project's lists, shortened to what occurs in opportunity texts. Content words that look
generic ("partner", "technology") stay: BM25's idf already discounts them.
"""

from __future__ import annotations

ITALIAN_STOP_WORDS: frozenset[str] = frozenset(
    """
    a ad al allo ai agli all agl alla alle con col coi da dal dallo dai dagli dall dagl dalla dalle di
    del dello dei degli dell degl della delle in nel nello nei negli nell negl nella nelle su sul sullo
    sui sugli sull sugl sulla sulle per tra fra il lo la i gli le l un uno una un' e ed o od ma se
    perché anche come dove che chi cui non più quale quali quanto quanti quanta quante quello quelli
    quella quelle questo questi questa queste si sì tutto tutti tutta tutte io tu lui lei noi voi
    loro mio mia miei mie tuo tua tuoi tue suo sua suoi sue nostro nostra nostri nostre vostro vostra
    vostri vostre mi ti ci vi ne me te se sé essere è sono era erano sia siano stato stata stati state
    sarà saranno avere ho hai ha abbiamo avete hanno aveva avevano abbia abbiano avrà fare fa fanno
    questo cosa così già ancora molto poco tra dopo prima senza sopra sotto verso presso circa
    oppure inoltre quindi però mentre anche nonché ovvero cioè ogni alcuni alcune altro altri altra
    altre stesso stessa stessi stesse
    """.split()  # noqa: SIM905 - a word list reads better as prose
)

ENGLISH_STOP_WORDS: frozenset[str] = frozenset(
    """
    a an the and or but nor if then else than so as of at by for from in into on onto to with within
    without about above below over under between through during before after up down out off
    again further once here there when where why how all any both each few more most other some
    such no not only own same too very can will just should would could may might must shall is am
    are was were be been being have has had having do does did doing i me my myself we our ours
    ourselves you your yours yourself yourselves he him his himself she her hers herself it its
    itself they them their theirs themselves what which who whom this that these those s t don
    also via per etc
    """.split()  # noqa: SIM905 - a word list reads better as prose
)
