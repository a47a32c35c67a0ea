#!/usr/bin/env python3
"""Writes a labelled PERSON test set in the shared corpus format (scored by score.py).

Independent of ../shared/corpus: its own templates in English, German, French, Spanish,
Italian, Russian, Greek, Arabic, Chinese and Japanese; names without a cue, after record
words, in table rows, in lower case, hyphenated, with particles and apostrophes; and hard
negatives (firms, products, places, months, capitalised words, names that are everyday
words used as words) that must stay.

Names come from two pools, reported apart with --pool:
  * faker: Faker's person lists (the gazetteer is built from them: "seen" names);
  * own:   a hand-written list in this file that the gazetteer build never reads ("unseen").

    python3 scripts/names/gen_names_holdout.py --n 3000 --seed 11 --out /tmp/names-holdout.jsonl
    .build/debug/chatvault redact < /tmp/names-holdout.jsonl > /tmp/names-pred.jsonl
    python3 ../shared/corpus/score.py --gold /tmp/names-holdout.jsonl --pred /tmp/names-pred.jsonl --map identity
"""
import argparse
import importlib
import json
import os
import random
import sys

CACHE = "/tmp/chatvault-names"

# Hand-written, not from any package the gazetteer reads.
OWN = {
    "en": (["Harriet", "Declan", "Imogen", "Rupert", "Tamsin", "Callum", "Bethany", "Ewan", "Philippa", "Hamish", "Delphine", "Lorcan"],
           ["Ashdown", "Pemberton", "Whitcombe", "Tregarthen", "Blackwood", "Fairweather", "Hollingsworth", "Kettleby", "Ravenscroft", "Underhill"]),
    "de": (["Jörg", "Ulrike", "Dietmar", "Friederike", "Torsten", "Gudrun", "Wiebke", "Henning"],
           ["Kühnemund", "Obermaier", "Brandstätter", "Wolfsteiner", "Schwarzkopf", "Hinterberger", "Tiedemann"]),
    "fr": (["Aurélien", "Ségolène", "Gaspard", "Clémence", "Timothée", "Bérénice"], ["Delacroix", "Fontaine", "Beauchamp", "Lemaire", "Courtois", "Villeneuve"]),
    "es": (["Maite", "Iñigo", "Rocío", "Álvaro", "Begoña", "Nieves"], ["Etxeberria", "Quintanilla", "Valdivieso", "Arrieta", "Cifuentes"]),
    "it": (["Ludovica", "Gianluca", "Ottavia", "Raffaele", "Benedetta"], ["Scarpellini", "Mastroianni", "Bevilacqua", "Tagliaferri", "Lombardo"]),
    "ru": (["Всеволод", "Ярослава", "Родион", "Снежана"], ["Белозёров", "Курочкин", "Ладыгина", "Шапошников"]),
    "el": (["Ευάγγελος", "Χρυσούλα", "Παναγιώτης"], ["Καραμανλής", "Βενιζέλου", "Ζαχαρίου"]),
    "ar": (["يوسف", "خديجة", "عمر"], ["الحسيني", "الشمري", "القحطاني"]),
    "zh": (["明", "丽", "建国"], ["赵", "孙", "周"]),
    "ja": (["大輔", "美咲"], ["山本", "中村"]),
}
FAKER_LOCALE = {"en": "en_US", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "it": "it_IT", "ru": "ru_RU", "el": "el_GR", "ar": "ar_AA",
                "zh": "zh_CN", "ja": "ja_JP"}
PARTICLE_NAMES = ["Pieter van der Berg", "Ana de la Cruz", "Klaus von Stein", "Khalid bin Salman", "Omar al-Rashid", "Siobhan O'Brien",
                  "Ian McDonald", "Anne-Sophie Müller", "Jean-Baptiste Moreau", "Luca Di Stefano", "Daan de Vries", "Fatima al-Zahra"]

TEMPLATES = {
    "en": ["{N} rang about the wire", "can you send the statement to {N}?", "{N} is on leave until friday", "forms for {N} are in the shared drive",
           "pt {n} checked in at 9:40", "cust {N} disputes the fee", "client {N} wants to close the account", "{N}'s transfer bounced",
           "{N} at {FIRM} asked for the term sheet", "escalated by {N} from {FIRM}", "spoke to {n} about the refund", "{S}, {G} | 0161 496 0{D} | Leeds",
           "booked a call with {N} for tomorrow", "approved — {N}", "FYI {N} joined the onboarding call", "patient {N}, room 4"],
    "de": ["{N} hat wegen der Überweisung angerufen", "Bitte die Unterlagen an {N} schicken", "Kunde {N} möchte das Konto schließen", "Termin mit {N} am Montag"],
    "fr": ["{N} a appelé pour le virement", "merci d'envoyer le relevé à {N}", "le client {N} conteste les frais", "rendez-vous avec {N} demain"],
    "es": ["{N} llamó por la transferencia", "enviar los documentos a {N}", "el cliente {N} quiere cerrar la cuenta", "reunión con {N} el lunes"],
    "it": ["{N} ha chiamato per il bonifico", "inviare il modulo a {N}", "il cliente {N} vuole chiudere il conto"],
    "ru": ["{N} звонил по поводу перевода", "отправьте выписку {N}", "клиент {N} хочет закрыть счёт"],
    "el": ["ο {N} τηλεφώνησε για τη μεταφορά", "στείλτε το έντυπο στον {N}"],
    "ar": ["اتصل {N} بخصوص التحويل", "أرسل الكشف إلى {N}"],
    "zh": ["请联系{N}先生", "{N}：明天开会", "客户{N}要求退款"],
    "ja": ["{N}さんから電話がありました", "{N} 様 宛に送付済み"],
}
NEGATIVES = [
    ("Morgan Stanley raised the target", ["Morgan Stanley"]), ("{FIRM} wants a revised quote", ["{FIRM}"]),
    ("we moved the standup to Grant Park", ["Grant Park"]), ("May is usually quiet on the desk", ["May"]),
    ("Will the Fed cut in June?", ["Will", "June"]), ("Tesla and Apple both gapped up", ["Tesla", "Apple"]),
    ("flying to Jordan next week", ["Jordan"]), ("the Georgia office is closed", ["Georgia"]), ("Bill payment failed again", ["Bill"]),
    ("Mark the file as reviewed", ["Mark"]), ("Price is too high for the client", ["Price"]), ("Page 3 has the numbers", ["Page"]),
    ("Rose 2% after the open", ["Rose"]), ("Hunter Street branch reopens", ["Hunter Street"]), ("San Diego team is online", ["San Diego"]),
    ("Our Lisbon desk is hiring", ["Lisbon"]), ("New York session opens soon", ["New York"]), ("Jira ticket is updated", ["Jira"]),
    ("Excel keeps crashing on Windows", ["Excel", "Windows"]), ("Happy Thanksgiving everyone", ["Thanksgiving"]),
    ("Smith Barney and Dean Witter merged years ago", ["Smith Barney", "Dean Witter"]), ("Quarterly Review deck attached", ["Quarterly Review"]),
    ("Kunde hat angerufen", ["Kunde"]), ("Termin am Dienstag in Berlin", ["Dienstag", "Berlin"]), ("le rendez-vous à Paris est annulé", ["Paris"]),
    ("reunión en Madrid el lunes", ["Madrid"]), ("встреча в Москве завтра", ["Москве"]), ("会议在北京举行", ["北京"]),
]
FIRMS = ["Halvorsen Partners LLC", "Brightwater Capital", "Lazard", "Goldman Sachs", "Keller & Sons", "Norbridge Securities", "Acme Holdings"]
CLEAN = ["ok will do", "sounds good, thanks", "can we push the call 15 min?", "Market's choppy today", "Lunch?", "Approved.",
         "Please review the attached deck", "The printer on 4 is broken again", "Great work on the pitch!", "Who has the Q3 numbers?",
         "Danke, bis morgen", "Merci beaucoup", "Vale, perfecto", "Спасибо, понял", "好的，谢谢", "了解しました"]


def faker_names(locale):
    faker_dir = os.path.join(CACHE, "faker-unpacked")
    if not os.path.isdir(faker_dir):
        sys.exit(f"run scripts/names/build_gazetteer.py first (it unpacks Faker into {faker_dir})")
    sys.path.insert(0, faker_dir)
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    first = sorted({n for a in dir(provider) if a.startswith("first_names") for n in getattr(provider, a) if isinstance(n, str)})
    last = sorted({n for a in dir(provider) if a.startswith("last_names") for n in getattr(provider, a) if isinstance(n, str)})
    return first, last


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--pool", choices=["both", "faker", "own"], default="both")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    pools = {lang: faker_names(loc) for lang, loc in FAKER_LOCALE.items()}
    out = open(a.out, "w", encoding="utf-8")
    for i in range(a.n):
        mid = f"n{i + 1:06d}"
        roll = rng.random()
        if roll < 0.2:
            text = rng.choice(CLEAN)
            spans, negatives = [], []
        elif roll < 0.4:
            template, words = rng.choice(NEGATIVES)
            firm = rng.choice(FIRMS)
            text = template.replace("{FIRM}", firm)
            spans = []
            negatives = []
            for w in words:
                w = w.replace("{FIRM}", firm)
                s = text.find(w)
                negatives.append({"start": len(text[:s]), "end": len(text[:s]) + len(w), "type": "NAME_LIKE"})
        else:
            lang = rng.choice(list(TEMPLATES))
            pool = a.pool if a.pool != "both" else rng.choice(["faker", "own"])
            first, last = OWN[lang] if pool == "own" else pools[lang]
            g, s = rng.choice(first), rng.choice(last)
            sep = "" if lang in ("zh",) else " "
            if lang == "ja":
                name = s + " " + g
            elif lang == "zh":
                name = s + g
            elif lang == "en" and rng.random() < 0.15:
                name = rng.choice(PARTICLE_NAMES)
            else:
                name = g + sep + s
            template = rng.choice(TEMPLATES[lang])
            if "{S}" in template:
                text = template.replace("{S}", s).replace("{G}", g).replace("{D}", str(rng.randint(100, 999)))
                start = text.index(s)
                spans = [{"start": start, "end": start + len(s + ", " + g), "type": "PERSON"}]
            else:
                shown = name.lower() if "{n}" in template else name
                text = template.replace("{N}", shown).replace("{n}", shown).replace("{FIRM}", rng.choice(FIRMS))
                start = text.index(shown)
                spans = [{"start": start, "end": start + len(shown), "type": "PERSON"}]
            negatives = []
        out.write(json.dumps({"id": mid, "text": text, "spans": spans, "negatives": negatives}, ensure_ascii=False) + "\n")
    out.close()


if __name__ == "__main__":
    main()
